import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseTopology, readTopologyFile } from '../../../src/topics/topology-file.js';

function parseError(yaml: string): string {
  try {
    parseTopology(yaml, 'topo.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('topology file', () => {
  it('reads the checkout topology of the repository', async () => {
    const topology = await readTopologyFile(fileURLToPath(new URL('../../../streamflow.topology.yaml', import.meta.url)));
    expect(topology.defaults).toEqual({ replicationFactor: 'auto', configs: { 'min.insync.replicas': 'auto', 'retention.ms': '604800000' } });
    expect(topology.topics).toHaveLength(17);
    expect(topology.topics[0]).toEqual({ name: 'checkout.orders', partitions: 12 });
    expect(topology.topics.find((t) => t.name === 'checkout.payment.dlq')).toEqual({ name: 'checkout.payment.dlq', partitions: 3, configs: { 'retention.ms': '2592000000' } });
  });

  it('takes YAML numbers and booleans as config strings', () => {
    const t = parseTopology('topics:\n  - name: a\n    partitions: 3\n    configs: { retention.ms: 1000, unclean.leader.election.enable: false }\n', 'f');
    expect(t.topics[0]!.configs).toEqual({ 'retention.ms': '1000', 'unclean.leader.election.enable': 'false' });
  });

  it.each([
    ['topics:\n  - name: a\n    partitons: 3\n', 'topo.yaml: topics.0.partitons: unknown key (did you mean partitions?)'],
    ['topics:\n  - name: a\n    partitions: "12"\n', 'topics.0.partitions: must be a positive integer'],
    ['topics:\n  - name: a\n    partitions: 0\n', 'topics.0.partitions: must be a positive integer'],
    ['topics:\n  - name: a\n', 'topics.0.partitions: required (or set defaults.partitions)'],
    ['topics:\n  - name: a b\n    partitions: 1\n', 'topics.0.name: must be 1-249 characters'],
    ['topics:\n  - name: a\n    partitions: 1\n    replicationFactor: three\n', 'topics.0.replicationFactor: must be "auto" or a positive integer'],
    ['topics:\n  - name: a\n    partitions: 1\n    configs:\n      retention.ms: auto\n', 'topics.0.configs.retention.ms: only min.insync.replicas can be "auto"'],
    ['topics:\n  - name: a\n    partitions: 1\n    configs:\n      retention.ms: [1]\n', 'topics.0.configs.retention.ms: must be a string, number or boolean'],
    ['topics:\n  - name: a\n    partitions: 1\n  - name: a\n    partitions: 2\n', 'topics.1.name: a is listed twice'],
    ['defaults:\n  replicationfactor: 3\ntopics:\n  - name: a\n    partitions: 1\n', 'defaults.replicationfactor: unknown key (did you mean replicationFactor?)'],
    ['topic:\n  - name: a\n', 'topic: unknown key (did you mean topics?)'],
    ['topics: []\n', 'topics: list at least one topic'],
    ['topics: [\n', 'topo.yaml is not valid YAML'],
    ['', 'topo.yaml is empty'],
  ])('rejects %j naming the key path', (yaml, message) => {
    expect(parseError(yaml)).toContain(message);
  });

  it('names an unreadable file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-'));
    await expect(readTopologyFile(path.join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read topology file .*missing.yaml: no such file/);
    await expect(readTopologyFile(dir)).rejects.toThrow(UsageError);
  });
});
