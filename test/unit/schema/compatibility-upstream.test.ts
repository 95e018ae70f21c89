import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkReaderWriter, parseSchema, type IncompatibilityKind } from '../../../src/schema/compatibility/index.js';

// Reader/writer pairs ported as data from apache/avro's Java tests (TestSchemaCompatibility*.java);
// each expected incompatibility carries Avro Java's kind and getLocation().
interface UpstreamCase {
  name: string;
  source: string;
  reader: unknown;
  writer: unknown;
  compatible: boolean;
  incompatibilities?: { kind: IncompatibilityKind; location: string; upstreamMessage: string }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/avro-compat/cases.json', import.meta.url), 'utf8'),
) as { cases: UpstreamCase[] };

describe('Avro Java SchemaCompatibility cases', () => {
  it('ports a representative set', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Primitive schemas are bare JSON strings, so hand the parser JSON text.
    const result = checkReaderWriter(parseSchema(JSON.stringify(c.reader)), parseSchema(JSON.stringify(c.writer)));
    expect(result.compatible).toBe(c.compatible);
    if (c.incompatibilities) {
      expect(result.incompatibilities.map(({ kind, location }) => ({ kind, location }))).toEqual(
        c.incompatibilities.map(({ kind, location }) => ({ kind, location })),
      );
    }
  });
});
