import { describe, expect, it } from 'vitest';
import { expectedMovedShare } from '../../../src/topics/remap-impact.js';
import { parseTopology } from '../../../src/topics/topology-file.js';
import type { TopicSpec } from '../../../src/kafka/topic-admin.js';
import { planTopology, resolveDesiredTopics } from '../../../src/topics/topology-plan.js';

const topology = parseTopology(
  `defaults:
  replicationFactor: auto
  configs:
    min.insync.replicas: auto
    retention.ms: "604800000"
topics:
  - name: orders
    partitions: 12
  - name: orders.dlq
    partitions: 3
    replicationFactor: 1
    configs:
      retention.ms: "2592000000"
`,
  'topo.yaml',
);

describe('resolveDesiredTopics', () => {
  it('resolves "auto" to RF 3 / min.insync.replicas 2 on 3 brokers, topic values over defaults', () => {
    expect(resolveDesiredTopics(topology, 3)).toEqual([
      { name: 'orders', partitions: 12, replicationFactor: 3, configs: { 'min.insync.replicas': '2', 'retention.ms': '604800000' } },
      { name: 'orders.dlq', partitions: 3, replicationFactor: 1, configs: { 'min.insync.replicas': '1', 'retention.ms': '2592000000' } },
    ]);
  });

  it('resolves "auto" to RF 1 / min.insync.replicas 1 on one broker', () => {
    expect(resolveDesiredTopics(topology, 1)[0]).toMatchObject({ replicationFactor: 1, configs: { 'min.insync.replicas': '1' } });
  });

  it('takes defaults.partitions when a topic has none', () => {
    const t = parseTopology('defaults: { partitions: 6 }\ntopics:\n  - name: a\n  - name: b\n    partitions: 2\n', 'f');
    expect(resolveDesiredTopics(t, 1).map((d) => d.partitions)).toEqual([6, 2]);
  });
});

/** An existing topic as the cluster reports it: effective values, broker defaults included. */
function actual(want: TopicSpec, over: Partial<TopicSpec> = {}): TopicSpec {
  return {
    name: want.name,
    partitions: want.partitions,
    replicationFactor: want.replicationFactor,
    configs: { 'cleanup.policy': 'delete', 'segment.bytes': '1073741824', ...want.configs },
    ...over,
  };
}

describe('planTopology', () => {
  const desired = resolveDesiredTopics(topology, 3);
  const [orders, dlq] = desired as [TopicSpec, TopicSpec];

  it('creates what is missing, with the resolved settings', () => {
    const plan = planTopology(desired, [], { brokerCount: 3 });
    expect(plan.errors).toEqual([]);
    expect(plan.changes).toEqual([
      { topic: 'orders', action: 'create', partitions: 12, replicationFactor: 3, configs: { 'min.insync.replicas': '2', 'retention.ms': '604800000' } },
      {
        topic: 'orders.dlq',
        action: 'create',
        partitions: 3,
        replicationFactor: 1,
        configs: { 'min.insync.replicas': '1', 'retention.ms': '2592000000' },
        warnings: ['orders.dlq: replication factor 1 on a 3-broker cluster: one broker failure makes its partitions unavailable, and a lost disk loses their data'],
      },
    ]);
  });

  it('reports a matching cluster as unchanged, ignoring configs the file does not set', () => {
    const plan = planTopology(desired, [actual(orders), actual(dlq)], { brokerCount: 3 });
    expect(plan.changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged']);
    expect(plan.errors).toEqual([]);
  });

  it('counts a broker default equal to the file value as matching', () => {
    // retention.ms 7 days is also Kafka's default: no override needed.
    const plan = planTopology([orders], [actual(orders)]);
    expect(plan.changes[0]).toEqual({ topic: 'orders', action: 'unchanged' });
  });

  it('alters configs that differ, showing from → to', () => {
    const plan = planTopology([orders], [actual(orders, { configs: { 'retention.ms': '86400000', 'min.insync.replicas': '1' } })]);
    expect(plan.changes[0]).toMatchObject({
      topic: 'orders',
      action: 'alter',
      configs: [
        { name: 'min.insync.replicas', from: '1', to: '2' },
        { name: 'retention.ms', from: '86400000', to: '604800000' },
      ],
    });
    expect(plan.changes[0]).not.toHaveProperty('partitions');
  });

  it('plans partition growth with the remap impact', () => {
    const plan = planTopology([orders], [actual(orders, { partitions: 6 })]);
    const change = plan.changes[0]!;
    expect(change.action).toBe('alter');
    if (change.action !== 'alter') return;
    expect(change.configs).toEqual([]);
    expect(change.partitions).toMatchObject({ from: 6, to: 12, expectedMovedShare: expectedMovedShare(6, 12), sampleKeys: 10_000 });
    expect(Math.abs(change.partitions!.movedShare - 0.5)).toBeLessThan(0.02);
  });

  it('refuses to shrink', () => {
    const plan = planTopology([orders], [actual(orders, { partitions: 24 })]);
    expect(plan.errors).toEqual(['orders: the file wants 12 partitions but the topic has 24; Kafka cannot remove partitions (to shrink, migrate to a new topic)']);
  });

  it('refuses RF above the broker count for topics to create', () => {
    expect(planTopology([orders], [], { brokerCount: 1 }).errors).toEqual(['orders: replication factor 3 needs 3 brokers, but the cluster has 1']);
  });

  it('warns, without a change, when an existing topic has another replication factor', () => {
    const plan = planTopology([orders], [actual(orders, { replicationFactor: 1 })]);
    expect(plan.changes[0]).toMatchObject({ action: 'unchanged', warnings: [expect.stringMatching(/replication factor is 1, the file wants 3; .*reassignment/)] });
  });

  it('names config keys Kafka does not know, with a suggestion', () => {
    const typo = { ...orders, configs: { 'retention.msx': '1' } };
    const plan = planTopology([typo], [], { knownConfigs: new Set(['retention.ms', 'cleanup.policy']) });
    expect(plan.errors).toEqual(['orders: Kafka has no topic config named retention.msx (did you mean retention.ms?)']);
  });

  it('is idempotent: the state a plan leads to plans as unchanged', () => {
    const first = planTopology(desired, [actual(orders, { configs: { 'retention.ms': '1' } })], { brokerCount: 3 });
    expect(first.changes.map((c) => c.action)).toEqual(['alter', 'create']);
    const second = planTopology(desired, desired.map((d) => actual(d)), { brokerCount: 3 });
    expect(second.changes.every((c) => c.action === 'unchanged')).toBe(true);
  });
});
