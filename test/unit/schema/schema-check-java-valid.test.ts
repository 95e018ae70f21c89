import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../../src/schema/contracts.js';
import { runMain } from '../../run-main.js';

// Schemas the registry (Avro Java) accepts but avsc refuses: `schema check` takes them as the registry does.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-java-valid-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

const record = (fields: string) => `{"type": "record", "name": "Größe", "namespace": "shop", "fields": [${fields}]}`;

describe('schema check --against on schemas only Avro Java accepts', () => {
  it('checks a schema with an empty union, a comment and a later-branch union default', async () => {
    const old = file('old.avsc', record('{"name": "a", "type": "string"}'));
    const proposed = file(
      'new.avsc',
      `/* v2 */ ${record(`{"name": "a", "type": "string"},
        {"name": "never", "type": {"type": "array", "items": []}, "default": []}, // nothing can be written here
        {"name": "note", "type": ["null", "string"], "default": "none"}`)}`,
    );
    const r = await runMain(['schema', 'check', '--schema', proposed, '--against', old, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ compatible: true, checks: [{ status: 'compatible', checkedBy: 'offline' }] });
  });

  it('reports an empty union the old data cannot be read into as a missing union branch', async () => {
    const old = file('old-int.avsc', record('{"name": "a", "type": "int"}'));
    const proposed = file('new-empty.avsc', record('{"name": "a", "type": []}'));
    const r = await runMain(['schema', 'check', '--schema', proposed, '--against', old, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).checks[0].messages.join('\n')).toMatch(/no branch of reader union \[\] can read writer int/);
  });

  it('still refuses such a schema as a contract, which streamflow encodes with avsc', async () => {
    const contracts = path.join(dir, 'contracts');
    fs.mkdirSync(contracts);
    fs.writeFileSync(path.join(contracts, 'contracts.yaml'), 'contracts:\n  - file: e.avsc\n    topic: t\n    strategy: TopicNameStrategy\n');
    fs.writeFileSync(path.join(contracts, 'e.avsc'), '{"type": "record", "name": "E", "fields": [{"name": "a", "type": []}]}');
    await expect(loadContracts(contracts)).rejects.toThrow(/e\.avsc: not a valid Avro schema: valid for Avro Java, but streamflow's encoder \(avsc\) cannot use it: empty union/);
  });
});
