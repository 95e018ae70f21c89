import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareJsonSchemas, parseJsonSchema } from '../../../../src/schema/json-schema/index.js';

// Cases ported as data from Confluent Schema Registry's SchemaDiffTest resources.
interface ConfluentCase {
  source: string;
  index: number;
  description: string;
  original_schema: unknown;
  update_schema: unknown;
  changes: string[];
  compatible: boolean;
  compatible_lenient?: boolean;
  skip?: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/json-schema-compat/cases.json', import.meta.url), 'utf8'),
) as { upstream: { files: string[] }; cases: ConfluentCase[] };

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('Confluent SchemaDiffTest cases', () => {
  it('ports every case of the four upstream files', () => {
    const perFile = Object.fromEntries(fixture.upstream.files.map((f) => [f, fixture.cases.filter((c) => c.source === f).length]));
    expect(perFile).toEqual({
      'diff-schema-examples.json': 104,
      'diff-schema-examples-2020-12.json': 113,
      'diff-combined-schema-examples.json': 28,
      'diff-combined-schema-examples-2020-12.json': 18,
    });
    expect(fixture.cases.filter((c) => c.skip)).toEqual([]);
  });

  it.each(fixture.cases.map((c) => [`${c.source} #${c.index}: ${c.description}`, c] as const))('%s', (_name, c) => {
    const original = parseJsonSchema(JSON.stringify(c.original_schema), 'original.json');
    const update = parseJsonSchema(JSON.stringify(c.update_schema), 'update.json');

    const strict = compareJsonSchemas(original, update);
    expect(sorted(strict.map((d) => `${d.type} ${d.path}`))).toEqual(sorted(c.changes));
    expect(strict.every((d) => d.compatible)).toBe(c.compatible);

    const lenient = compareJsonSchemas(original, update, { policy: 'lenient' });
    expect(lenient.every((d) => d.compatible)).toBe(c.compatible_lenient ?? c.compatible);
  });
});
