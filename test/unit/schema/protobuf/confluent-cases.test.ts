import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareProtos, parseProto } from '../../../../src/schema/protobuf/index.js';

// Schema pairs ported as data from Confluent Schema Registry's SchemaDiff tests; each expected
// change is Confluent's "TYPE #/path" string for SchemaDiff.compare(original, update).
interface Reference {
  name: string;
  subject: string;
  version: number;
  /** null: a google/protobuf file, built into the parser. */
  schema: string | null;
}

interface ConfluentCase {
  description: string;
  source: string;
  original: string;
  update: string;
  originalReferences?: Reference[];
  updateReferences?: Reference[];
  changes: string[];
  compatible: boolean;
  skip?: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/protobuf-compat/cases.json', import.meta.url), 'utf8'),
) as { cases: ConfluentCase[] };

function references(refs: Reference[] | undefined): Record<string, string> {
  return Object.fromEntries((refs ?? []).flatMap((r) => (r.schema === null ? [] : [[r.name, r.schema]])));
}

describe('Confluent SchemaDiff cases', () => {
  it('ports every upstream case', () => {
    expect(fixture.cases.length).toBe(56);
    expect(fixture.cases.filter((c) => c.skip)).toEqual([]);
  });

  it.each(fixture.cases.map((c) => [`${c.source.replace(/^.*\//, '')}: ${c.description}`, c] as const))('%s', (_name, c) => {
    const original = parseProto(c.original, 'original.proto', references(c.originalReferences));
    const update = parseProto(c.update, 'update.proto', references(c.updateReferences));
    const differences = compareProtos(original, update);
    expect(differences.map((d) => `${d.type} ${d.path}`).sort()).toEqual([...c.changes].sort());
    expect(differences.every((d) => d.compatible)).toBe(c.compatible);
  });
});
