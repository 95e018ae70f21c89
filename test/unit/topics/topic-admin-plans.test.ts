import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from '../../../src/kafka/topic-admin.js';
import { planPartitionIncrease } from '../../../src/topics/partition-increase.js';
import { computeRemapImpact, sampleKeys } from '../../../src/topics/remap-impact.js';
import { countText } from '../../../src/topics/record-count.js';
import { planTopicDelete } from '../../../src/topics/topic-delete.js';
import { buildTopicDescription } from '../../../src/topics/topic-describe.js';

const configs: ConfigEntry[] = [
  { name: 'min.insync.replicas', value: '2', source: 'topic', readOnly: false, sensitive: false, inherited: '1' },
  { name: 'retention.ms', value: '604800000', source: 'default', readOnly: false, sensitive: false, inherited: '604800000' },
  { name: 'x.password', value: null, source: 'broker', readOnly: false, sensitive: true },
];

describe('buildTopicDescription', () => {
  const topic = buildTopicDescription(
    'orders',
    [
      { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
      { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3] },
      { partition: 2, leader: null, replicas: [3, 1, 2], isr: [] },
    ],
    [
      { partition: 0, earliest: '0', latest: '123' },
      { partition: 1, earliest: '9007199254740990', latest: '9007199254741000' },
      { partition: 2, earliest: '5', latest: '5' },
    ],
    // Partition 0's 123 offsets hold 41 records written in transactions (a marker after each 2).
    { records: 51, offsets: 133, partitions: [{ partition: 0, records: 41, offsets: 123 }, { partition: 1, records: 10, offsets: 10 }, { partition: 2, records: 0, offsets: 0 }] },
    configs,
  );

  it('shows leader, replicas, ISR, under-replication, offsets as strings, offset spans and record counts', () => {
    expect(topic.partitions).toEqual([
      { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3], underReplicated: false, earliestOffset: '0', latestOffset: '123', offsets: 123, records: 41 },
      { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3], underReplicated: true, earliestOffset: '9007199254740990', latestOffset: '9007199254741000', offsets: 10, records: 10 },
      { partition: 2, leader: null, replicas: [3, 1, 2], isr: [], underReplicated: true, earliestOffset: '5', latestOffset: '5', offsets: 0, records: 0 },
    ]);
    expect(topic).toMatchObject({ replicationFactor: 3, offsets: 133, records: 51 });
  });

  it('leaves records null when the topic was not counted', () => {
    const uncounted = buildTopicDescription('big', [{ partition: 0, leader: 1, replicas: [1], isr: [1] }], [{ partition: 0, earliest: '0', latest: '500000' }], { records: null, offsets: 500_000, partitions: [{ partition: 0, records: null, offsets: 500_000 }] }, []);
    expect(uncounted).toMatchObject({ offsets: 500_000, records: null, partitions: [{ offsets: 500_000, records: null }] });
    expect(countText(uncounted)).toBe('500,000 offsets (records not counted)');
    expect(countText(topic)).toBe('51 records');
  });

  it('lists effective configs, leaves out sensitive ones, and names the topic-level ones', () => {
    expect(topic.configs).toEqual({ 'min.insync.replicas': '2', 'retention.ms': '604800000' });
    expect(topic.overrides).toEqual(['min.insync.replicas']);
  });

  it('plans a delete with what it throws away, and refuses internal topics', () => {
    expect(planTopicDelete(topic)).toEqual({ topic: 'orders', partitions: 3, replicationFactor: 3, records: 51, offsets: 133 });
    expect(() => planTopicDelete({ ...topic, name: '__consumer_offsets' })).toThrow(/internal topics/);
  });
});

describe('planPartitionIncrease', () => {
  it('measures the remap on synthetic order ids, or on the given keys', () => {
    const plan = planPartitionIncrease('orders', 12, 16)!;
    expect(plan.remap).toEqual(computeRemapImpact(sampleKeys(10_000, 1), 12, 16));
    expect(plan.procedure[0]).toMatch(/irreversible/);
    expect(plan.procedure.join('\n')).toContain('streamflow topic add-partitions <topic> --to 16 --execute');
    const keys = sampleKeys(100, 5);
    expect(planPartitionIncrease('orders', 12, 24, keys)!.remap.keys).toBe(100);
  });

  it('is null for the current count and refuses to shrink, exit 2', () => {
    expect(planPartitionIncrease('orders', 12, 12)).toBeNull();
    expect(() => planPartitionIncrease('orders', 12, 6)).toThrow(/orders has 12 partitions; Kafka cannot reduce that to 6/);
  });
});
