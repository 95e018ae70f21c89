import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeDeadLetterHeaders } from '../../src/dlq/dlq-headers.js';
import { connectProducer } from '../../src/kafka/producer.js';
import { runCli, testConnection, testEnv, uniqueName } from './helpers.js';

/**
 * Every destructive command is a dry run unless --execute: it prints its plan and the cluster,
 * the groups and the registry are exactly as before.
 */
describe('operator safety: destructive commands change nothing without --execute', () => {
  const env = testEnv();
  const topic = uniqueName('safety');
  const dlq = `${topic}.dlq`;
  const group = uniqueName('safety-g');

  const json = async (args: string[]) => {
    const r = await runCli([...args, '--json'], env);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout);
  };
  const describeTopic = (name: string) => json(['topic', 'describe', name]) as Promise<{ partitions: Array<{ partition: number; earliestOffset: string; latestOffset: string }> }>;
  const committed = async () => ((await json(['offsets', 'export', '--group', group])).groups[0]?.offsets ?? []) as Array<{ topic: string; partition: number; offset: string }>;

  beforeAll(async () => {
    for (const t of [topic, dlq]) expect((await runCli(['topic', 'create', t, '--partitions', '3'], env)).code).toBe(0);
    const producer = await connectProducer(testConnection(), { idempotent: true, acks: -1, compression: 'none' });
    try {
      await producer.send(topic, Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`v${i}`) })));
      const context = (i: number) =>
        encodeDeadLetterHeaders({
          originalTopic: topic,
          originalPartition: i % 3,
          originalOffset: String(i),
          originalTimestamp: String(Date.now()),
          consumerGroup: group,
          errorClass: 'AvroDecodeError',
          errorMessage: 'truncated',
          stack: '',
          service: 'payment',
          attempts: 1,
          firstFailure: new Date().toISOString(),
          lastFailure: new Date().toISOString(),
        });
      await producer.send(dlq, Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`dead${i}`), headers: context(i) })));
    } finally {
      await producer.disconnect();
    }
    // The group has committed offsets in the middle of the topic (a reset has somewhere to go).
    await json(['offsets', 'reset', '--group', group, '--topic', topic, '--to-latest', '--execute']);
    await json(['offsets', 'reset', '--group', group, '--topic', topic, '--shift-by', '-5', '--execute']);
  });

  it('offsets reset: prints the plan, the group keeps its committed offsets', async () => {
    const before = await committed();
    expect(before).toHaveLength(3);
    for (const mode of [['--to-earliest'], ['--to-offset', '0'], ['--shift-by', '-100'], ['--to-latest'], ['--by-duration', 'PT1H']]) {
      const plan = await json(['offsets', 'reset', '--group', group, '--topic', topic, ...mode]);
      expect(plan.executed).toBe(false);
      expect(plan.plan).toHaveLength(3);
    }
    const plan = await json(['offsets', 'reset', '--group', group, '--topic', topic, '--to-earliest']);
    expect(plan.plan.some((p: { delta: number }) => p.delta < 0)).toBe(true); // it would have moved them
    expect(await committed()).toEqual(before);
  });

  it('topic delete: the topic is still there, with its records', async () => {
    const before = await describeTopic(topic);
    const r = await runCli(['topic', 'delete', topic], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/--execute/);
    expect((await json(['topic', 'list'])).topics.map((t: { name: string }) => t.name)).toContain(topic);
    expect((await describeTopic(topic)).partitions).toEqual(before.partitions);
  });

  it('topic add-partitions: the partition count is unchanged', async () => {
    const plan = await json(['topic', 'add-partitions', topic, '--to', '6']);
    expect(JSON.stringify(plan)).toMatch(/6/);
    expect((await describeTopic(topic)).partitions).toHaveLength(3);
  });

  it('dlq redrive: plans the records, sends none, leaves the DLQ and its checkpoint alone', async () => {
    const [target, dead] = [await describeTopic(topic), await describeTopic(dlq)];
    const plan = await json(['dlq', 'redrive', dlq]);
    expect(plan).toMatchObject({ executed: false, planned: 5, redriven: 0, byTarget: { [topic]: 5 } });
    expect((await describeTopic(topic)).partitions).toEqual(target.partitions);
    expect((await describeTopic(dlq)).partitions).toEqual(dead.partitions);
    // No checkpoint was committed: a real run would still start from the beginning.
    expect((await json(['offsets', 'export', '--group', plan.group])).groups[0]?.offsets ?? []).toEqual([]);
    expect((await json(['dlq', 'redrive', dlq])).planned).toBe(5);
  });

  it('schema delete: the subject and its versions are still there', async () => {
    const subject = uniqueName('safety-subject');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-safety-'));
    const schema = path.join(dir, 'x.avsc');
    fs.writeFileSync(schema, JSON.stringify({ type: 'record', name: 'Safety', fields: [{ name: 'a', type: 'string' }] }));
    await json(['schema', 'register', '--subject', subject, '--schema', schema]);
    const before = await json(['schema', 'get', '--subject', subject]);
    for (const args of [['--subject', subject], ['--subject', subject, '--version', '1']]) {
      const r = await runCli(['schema', 'delete', ...args], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/--execute/);
    }
    expect(await json(['schema', 'get', '--subject', subject])).toEqual(before);
    expect((await json(['schema', 'list'])).subjects.map((s: { subject: string }) => s.subject)).toContain(subject);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
