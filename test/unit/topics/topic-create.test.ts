import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { autoMinInsyncReplicas, autoReplicationFactor, minIsrWarnings, replicationWarnings } from '../../../src/topics/replication-defaults.js';
import { diffExistingTopic, planTopicCreate, topicConflictHint } from '../../../src/topics/topic-create.js';

describe('replication defaults', () => {
  it('picks RF 3 on 3+ brokers, else 1, and min.insync.replicas RF − 1 (at least 1)', () => {
    expect([1, 2, 3, 5].map(autoReplicationFactor)).toEqual([1, 1, 3, 3]);
    expect([1, 2, 3, 5].map(autoMinInsyncReplicas)).toEqual([1, 1, 2, 4]);
  });

  it('warns about min.insync.replicas at or above RF, 1 with RF 3, and RF 1 on a real cluster', () => {
    expect(minIsrWarnings('t', 3, 4).join()).toMatch(/exceeds the replication factor 3: every acks=all write will fail/);
    expect(minIsrWarnings('t', 3, 3).join()).toMatch(/equals the replication factor.*use 2/);
    expect(minIsrWarnings('t', 3, 1).join()).toMatch(/acknowledged by one broker only/);
    expect(minIsrWarnings('t', 3, 2)).toEqual([]);
    expect(minIsrWarnings('t', 1, 1)).toEqual([]);
    expect(minIsrWarnings('t', 3, undefined)).toEqual([]);
    expect(replicationWarnings('t', 1, undefined, 3).join()).toMatch(/replication factor 1 on a 3-broker cluster/);
    expect(replicationWarnings('t', 1, undefined, 1)).toEqual([]);
  });
});

describe('planTopicCreate', () => {
  it('defaults to RF 3 and min.insync.replicas 2 on a 3-broker cluster', () => {
    const plan = planTopicCreate({ name: 'checkout.orders', partitions: 12, configs: {} }, 3);
    expect(plan.spec).toEqual({ name: 'checkout.orders', partitions: 12, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    expect(plan.defaulted.join('\n')).toMatch(/replication factor 3 \(the cluster has 3 brokers\)/);
    expect(plan.warnings).toEqual([]);
  });

  it('defaults to RF 1 without a min.insync.replicas override on a 1-broker cluster', () => {
    const plan = planTopicCreate({ name: 'orders', partitions: 12, configs: { 'retention.ms': '1000' } }, 1);
    expect(plan.spec).toEqual({ name: 'orders', partitions: 12, replicationFactor: 1, configs: { 'retention.ms': '1000' } });
    expect(plan.warnings).toEqual([]);
  });

  it('keeps an explicit min.insync.replicas and warns when it is not below RF', () => {
    const plan = planTopicCreate({ name: 'orders', partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '3' } }, 3);
    expect(plan.spec.configs).toEqual({ 'min.insync.replicas': '3' });
    expect(plan.warnings.join()).toMatch(/min.insync.replicas=3 equals the replication factor/);
  });

  it('fills min.insync.replicas for an explicit RF too', () => {
    expect(planTopicCreate({ name: 'orders', partitions: 3, replicationFactor: 2, configs: {} }, 3).spec.configs).toEqual({ 'min.insync.replicas': '1' });
  });

  it('refuses RF above the broker count with a clear message (Kafka only says "invalid"), exit 2', () => {
    const attempt = () => planTopicCreate({ name: 'orders', partitions: 3, replicationFactor: 3, configs: {} }, 1);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('replication factor 3 for orders needs 3 brokers, but the cluster has 1');
  });

  it.each([
    [{ name: 'bad name', partitions: 3 }, /not a valid topic name/],
    [{ name: 'x'.repeat(250), partitions: 3 }, /not a valid topic name/],
    [{ name: 'ok', partitions: 0 }, /--partitions must be a positive integer/],
    [{ name: 'ok', partitions: 2.5 }, /--partitions must be a positive integer/],
    [{ name: 'ok', partitions: 3, replicationFactor: 0 }, /--replication-factor must be a positive integer/],
  ])('rejects %j', (req, message) => {
    expect(() => planTopicCreate({ configs: {}, ...req }, 3)).toThrow(message);
  });
});

describe('diffExistingTopic', () => {
  const existing = { name: 'orders', partitions: 6, replicationFactor: 3, configs: { 'retention.ms': '604800000', 'cleanup.policy': 'delete', 'min.insync.replicas': '2' } };

  it('finds nothing when the topic is as create would make it, broker defaults included', () => {
    const req = { name: 'orders', partitions: 6, configs: { 'cleanup.policy': 'delete' } };
    expect(diffExistingTopic(req, planTopicCreate(req, 3).spec, existing)).toEqual([]);
  });

  it('lists partitions, replication factor and each differing config, existing vs requested, marking defaults', () => {
    const req = { name: 'orders', partitions: 12, configs: { 'retention.ms': '3600000', 'segment.bytes': '1048576', 'min.insync.replicas': '2' } };
    const diffs = diffExistingTopic(req, planTopicCreate(req, 3).spec, { ...existing, replicationFactor: 1 });
    expect(diffs).toEqual([
      { setting: 'partitions', existing: 6, requested: 12, defaulted: false },
      { setting: 'replication.factor', existing: 1, requested: 3, defaulted: true },
      { setting: 'retention.ms', existing: '604800000', requested: '3600000', defaulted: false },
      { setting: 'segment.bytes', existing: null, requested: '1048576', defaulted: false },
    ]);
    const hint = topicConflictHint('orders', diffs);
    expect(hint).toContain('`streamflow topic add-partitions orders --to 12`');
    expect(hint).toContain('kafka-reassign-partitions.sh');
    expect(hint).toContain('`streamflow topic alter-config orders --set retention.ms=3600000 --set segment.bytes=1048576`');
  });

  it('says partitions cannot shrink', () => {
    expect(topicConflictHint('orders', [{ setting: 'partitions', existing: 6, requested: 3, defaulted: false }])).toMatch(/cannot remove partitions/);
  });
});
