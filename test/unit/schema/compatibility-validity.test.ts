import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkReaderWriter, parseSchema, type IncompatibilityKind } from '../../../src/schema/compatibility/index.js';
import { parseAvroSchemaText } from '../../../src/schema/schema-file.js';

// Edge cases with Avro Java 1.12.0's verdicts, recorded by test/integration/avro-java-verdicts.test.ts.
interface Fixture {
  schemas: Array<{ name: string; schema: string; valid: boolean; javaError?: string }>;
  pairs: Array<{ name: string; reader: string; writer: string; compatible: boolean; incompatibilities: Array<{ kind: IncompatibilityKind; location: string }> }>;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/avro-compat/validity.json', import.meta.url), 'utf8')) as Fixture;

const accepts = (parse: (text: string) => unknown, text: string) => {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('schema validity as Avro Java 1.12.0 decides it', () => {
  it.each(fixture.schemas.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(accepts(parseSchema, c.schema), c.javaError ?? 'Java accepts it').toBe(c.valid);
    // What `schema check` and `schema register` read a file with.
    expect(accepts(parseAvroSchemaText, c.schema), c.javaError ?? 'Java accepts it').toBe(c.valid);
  });
});

describe('reader/writer resolution as Avro Java 1.12.0 decides it', () => {
  it.each(fixture.pairs.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = checkReaderWriter(parseSchema(c.reader), parseSchema(c.writer));
    expect(result.compatible).toBe(c.compatible);
    expect(result.incompatibilities.map(({ kind, location }) => ({ kind, location }))).toEqual(c.incompatibilities);
  });
});
