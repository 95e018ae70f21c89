import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from '../../../src/kafka/topic-admin.js';
import { parseConfigAssignments, planConfigChange } from '../../../src/topics/config-change.js';

describe('parseConfigAssignments', () => {
  it('reads k=v pairs; the value may contain "="', () => {
    expect(parseConfigAssignments(['retention.ms=1000', 'x.y=a=b'])).toEqual({ 'retention.ms': '1000', 'x.y': 'a=b' });
  });

  it.each([
    [['retention.ms'], /--set "retention.ms" is not key=value/],
    [['=5'], /is not key=value/],
    [['a b=5'], /is not key=value/],
    [['retention.ms='], /has no value/],
    [['a=1', 'a=2'], /sets a twice/],
  ])('rejects %j naming the flag', (pairs, message) => {
    expect(() => parseConfigAssignments(pairs)).toThrow(message);
    try {
      parseConfigAssignments(pairs);
    } catch (e) {
      expect(e).toMatchObject({ exitCode: 2 });
    }
  });

  it('names the flag it parses', () => {
    expect(() => parseConfigAssignments(['oops'], '--config')).toThrow(/--config "oops"/);
  });
});

const entries: ConfigEntry[] = [
  { name: 'retention.ms', value: '3600000', source: 'topic', readOnly: false, sensitive: false },
  { name: 'cleanup.policy', value: 'delete', source: 'default', readOnly: false, sensitive: false, inherited: 'delete' },
  { name: 'min.insync.replicas', value: '2', source: 'topic', readOnly: false, sensitive: false, inherited: '1' },
  { name: 'max.message.bytes', value: '1048588', source: 'default', readOnly: false, sensitive: false, inherited: '1048588' },
  { name: 'segment.bytes', value: '1073741824', source: 'static-broker', readOnly: true, sensitive: false, inherited: '1073741824' },
];

describe('planConfigChange', () => {
  it('shows old → new, keeps the other overrides and computes the full set to write', () => {
    const plan = planConfigChange('orders', entries, { 'cleanup.policy': 'compact' }, ['min.insync.replicas'], 3);
    expect(plan.changes).toEqual([
      { name: 'cleanup.policy', action: 'set', from: 'delete', fromSource: 'default', to: 'compact' },
      { name: 'min.insync.replicas', action: 'delete', from: '2', fromSource: 'topic', to: '1' },
    ]);
    expect(plan.before).toEqual({ 'retention.ms': '3600000', 'min.insync.replicas': '2' });
    expect(plan.after).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'compact' });
  });

  it('warns when the resulting min.insync.replicas weakens durability or blocks writes', () => {
    expect(planConfigChange('orders', entries, {}, ['min.insync.replicas'], 3).warnings.join()).toMatch(/min.insync.replicas=1 with replication factor 3/);
    expect(planConfigChange('orders', entries, { 'min.insync.replicas': '3' }, [], 3).warnings.join()).toMatch(/equals the replication factor/);
  });

  it('reports setting the current value and deleting an inherited value as unchanged', () => {
    const plan = planConfigChange('orders', entries, { 'retention.ms': '3600000' }, ['max.message.bytes'], 3);
    expect(plan.changes.map((c) => c.action)).toEqual(['unchanged', 'unchanged']);
    expect(plan.warnings.join()).toMatch(/max.message.bytes is not set on the topic .* nothing to delete/);
    expect(plan.after).toEqual(plan.before);
  });

  it('says null for what a deleted override reverts to when Kafka did not tell', () => {
    expect(planConfigChange('orders', entries, {}, ['retention.ms'], 3).changes[0]).toMatchObject({ action: 'delete', to: null });
  });

  it.each([
    [{ 'retention.msx': '1' }, [], /--set retention.msx: orders has no config named retention.msx/],
    [{}, ['cleanup.polcy'], /--delete cleanup.polcy/],
    [{ 'segment.bytes': '1' }, [], /segment.bytes is read-only/],
    [{ 'retention.ms': '1' }, ['retention.ms'], /both set and deleted/],
  ])('rejects %j / %j, exit 2', (set, del, message) => {
    expect(() => planConfigChange('orders', entries, set, del, 3)).toThrow(message);
  });

  it('suggests the closest config name', () => {
    try {
      planConfigChange('orders', entries, { 'retention.msx': '1' }, [], 3);
    } catch (e) {
      expect((e as { hint?: string }).hint).toBe('did you mean retention.ms?');
    }
  });

  it('refuses to write back a set that has a sensitive override it cannot read', () => {
    const secret: ConfigEntry = { name: 'x.secret', value: null, source: 'topic', readOnly: false, sensitive: true };
    expect(() => planConfigChange('orders', [...entries, secret], { 'retention.ms': '1' }, [], 3)).toThrow(/sensitive .*x.secret/);
  });
});
