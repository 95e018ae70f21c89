import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain as run } from '../../run-main.js';
import { partitionForKey } from '../../../src/topics/partitioner.js';


const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topic-cmds-'));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe('partition (offline)', () => {
  it('prints the contract JSON for one key', async () => {
    const r = await run(['partition', '--key', 'order-42', '--partitions', '12', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ key: 'order-42', partitions: 12, partition: partitionForKey('order-42', 12) });
  });

  it('maps a keys file, one result per key in order', async () => {
    const r = await run(['partition', '--keys-file', write('keys.txt', 'a\nb\r\nc\n'), '--partitions', '7', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ partitions: 7, results: ['a', 'b', 'c'].map((key) => ({ key, partition: partitionForKey(key, 7) })) });
  });

  it.each([
    [['partition', '--key', 'k'], 'name the partition count'],
    [['partition', '--partitions', '3'], 'name the key'],
    [['partition', '--key', 'k', '--partitions', '0'], '--partitions must be a positive integer, got "0"'],
    [['partition', '--key', 'k', '--partitions', 'twelve'], '--partitions must be a positive integer, got "twelve"'],
    [['partition', '--key', 'k', '--partitions', '3', '--topic', 't'], 'mutually exclusive'],
    [['partition', '--keys-file', '/nonexistent/keys.txt', '--partitions', '3'], 'cannot read keys file /nonexistent/keys.txt: no such file'],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });
});

describe('topic remap-impact and topic plan (offline)', () => {
  it('reports the share of keys moving, per partition, with the procedure', async () => {
    const r = await run(['topic', 'remap-impact', '--partitions', '12', '--to', '24', '--sample', '2000', '--seed', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ from: 12, to: 24, keys: 2000, expectedMovedShare: 0.5, sample: 'synthetic order ids (seed 3)' });
    expect(doc.byPartition).toHaveLength(12);
    expect(Math.abs(doc.movedShare - 0.5)).toBeLessThan(0.05);
    expect(doc.procedure.join('\n')).toMatch(/irreversible/);
  });

  it('measures on a keys file', async () => {
    const r = await run(['topic', 'remap-impact', '--partitions', '3', '--to', '4', '--keys-file', write('k2.txt', 'x\ny\nz\n'), '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ keys: 3, sample: expect.stringContaining('keys from') });
  });

  it('recommends a partition count with its reasoning', async () => {
    const r = await run(['topic', 'plan', '--peak', '100000/min', '--per-consumer', '2000/s', '--growth', '3x', '--years', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.partitions).toBe(12);
    expect(doc.reasoning.length).toBeGreaterThan(5);
    const human = await run(['topic', 'plan', '--peak', '100000/min', '--per-consumer', '2000/s']);
    expect(human.out).toMatch(/^Recommended: 12 partitions\./);
  });

  it.each([
    [['topic', 'plan', '--peak', 'lots', '--per-consumer', '2000/s'], '--peak must be a positive count per unit, e.g. 2000/s or 100000/min (units: /s, /sec, /m, /min, /h), got "lots"'],
    [['topic', 'plan', '--peak', '100/s', '--per-consumer', '2000/s', '--growth', 'double'], '--growth must be a multiplier of at least 1, e.g. 3x (the peak triples), got "double"'],
    [['topic', 'plan', '--peak', '100/s', '--per-consumer', '2000/s', '--years', '-1'], '--years must be a positive number'],
    [['topic', 'plan', '--peak', '100/s', '--per-consumer', '2000/s', '--headroom', '0.5'], '--headroom must be at least 1'],
    [['topic', 'remap-impact', '--partitions', '12', '--to', '0'], '--to must be a positive integer'],
    [['topic', 'remap-impact', '--partitions', '12', '--to', '24', '--seed', 'x'], '--seed must be an integer'],
    [['topic', 'remap-impact', '--partitions', '12', '--to', '24', '--keys-file', '/nonexistent/k'], 'cannot read keys file'],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});

describe('input errors are reported before connecting (exit 2)', () => {
  it.each([
    [['topic', 'create', 'orders', '--partitions', '3', '--config', 'retention.ms'], '--config "retention.ms" is not key=value'],
    [['topic', 'create', 'orders', '--partitions', '-1'], '--partitions must be a positive integer'],
    [['topic', 'alter-config', 'orders', '--set', 'foo'], '--set "foo" is not key=value'],
    [['topic', 'alter-config', 'orders'], 'nothing to change'],
    [['topic', 'alter-config', 'orders', '--delete', 'a=b'], '--delete takes config names'],
    [['topic', 'add-partitions', 'orders', '--to', 'many'], '--to must be a positive integer'],
    [['topic', 'add-partitions', 'orders', '--to', '24', '--keys-file', '/nonexistent/k'], 'cannot read keys file'],
    [['topology', 'plan', '-f', '/nonexistent/topology.yaml'], 'cannot read topology file /nonexistent/topology.yaml'],
  ])('%j: %s', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('names the key path of a bad topology file', async () => {
    const r = await run(['topology', 'apply', '-f', write('t.yaml', 'topics:\n  - name: a\n    partitions: many\n'), '--execute']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('topics.0.partitions: must be a positive integer');
  });
});
