import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/config/paths.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../../src/dev/kafka-dist.js';
import { javaCommand } from '../../src/dev/tools.js';
import { createKafka } from '../../src/kafka/client.js';
import { runCli, testConnection, testStack, uniqueName } from './helpers.js';

const HOUR = 3_600_000;
const now = Date.now();
// Hours apart, so the seconds between our run and Kafka's tool never change an answer.
const base = now - 10 * HOUR;
// p0: 10 records at base+0h..9h (log start raised to 2); p1: 6 at base+0.5h..; p2: 3 at base+0.25h.., never committed.
const layout = [
  { partition: 0, count: 10, shift: 0 },
  { partition: 1, count: 6, shift: HOUR / 2 },
  { partition: 2, count: 3, shift: HOUR / 4 },
];

const topic = uniqueName('offsets');
const group = uniqueName('offsets-g');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-offsets-'));

/** Kafka's own answer: ConsumerGroupCommand --reset-offsets ... --dry-run, as {topic-partition: offset}. */
async function kafkaPlan(args: string[]): Promise<Record<string, string>> {
  const dist = await ensureKafkaDist(process.env.STREAMFLOW_TEST_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION, cacheDir(process.env), () => undefined);
  // A client JVM that starts fast on a small machine.
  const env = { ...process.env, JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' };
  const { stdout } = await runKafkaClass(
    dist,
    'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    ['--bootstrap-server', testStack().brokers.join(','), '--reset-offsets', '--dry-run', ...args],
    env,
    javaCommand(env),
    90_000,
  );
  expect(stdout, stdout).not.toMatch(/Error:/);
  const rows = stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 4 && f[0] !== 'GROUP');
  return Object.fromEntries(rows.map(([, t, p, o]) => [`${t}-${p}`, o!]));
}

async function ourPlan(args: string[]): Promise<Record<string, string>> {
  const run = await runCli(['offsets', 'reset', ...args, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const doc = JSON.parse(run.stdout);
  expect(doc.executed).toBe(false);
  return Object.fromEntries(doc.plan.map((p: { topic: string; partition: number; target: string }) => [`${p.topic}-${p.partition}`, p.target]));
}

beforeAll(async () => {
  const kafka = createKafka(testConnection());
  const admin = kafka.admin();
  const producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  for (const l of layout) {
    await producer.send({
      topic,
      messages: Array.from({ length: l.count }, (_, i) => ({ partition: l.partition, key: `k${i}`, value: `v${i}`, timestamp: String(base + l.shift + i * HOUR) })),
    });
  }
  // kafkajs finds the leader only for topics whose metadata it already holds.
  await admin.fetchTopicOffsets(topic);
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
  await Promise.all([admin.disconnect(), producer.disconnect()]);
  // The group's starting point, written by our own --execute from Kafka's CSV: p0 at 4, p1 at 2, p2 never.
  const start = path.join(dir, 'start.csv');
  await fs.writeFile(start, `${topic},0,4\n${topic},1,2\n`);
  const run = await runCli(['offsets', 'reset', '--group', group, '--from-file', start, '--execute', '--json']);
  expect(run.code, run.stderr).toBe(0);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Kafka's format for --to-datetime: milliseconds, no zone (UTC). */
const kafkaTime = (ms: number) => new Date(ms).toISOString().replace('Z', '');

const cases: Array<{ name: string; ours: string[]; kafka?: string[]; expected: Record<string, string> }> = [
  { name: '--to-earliest', ours: ['--to-earliest'], expected: { 0: '2', 1: '0', 2: '0' } },
  { name: '--to-latest', ours: ['--to-latest'], expected: { 0: '10', 1: '6', 2: '3' } },
  { name: '--to-offset below the log start (clamped up)', ours: ['--to-offset', '1'], expected: { 0: '2', 1: '1', 2: '1' } },
  { name: '--to-offset above the end (clamped down)', ours: ['--to-offset', '5'], expected: { 0: '5', 1: '5', 2: '3' } },
  { name: '--shift-by negative (clamped)', ours: ['--shift-by', '-3'], kafka: ['--shift-by', '-3'], expected: { 0: '2', 1: '0' } },
  { name: '--shift-by positive (clamped)', ours: ['--shift-by', '3'], kafka: ['--shift-by', '3'], expected: { 0: '7', 1: '5' } },
  { name: '--to-datetime (ListOffsets by time; latest where none is that new)', ours: ['--to-datetime', kafkaTime(base + 3 * HOUR + 10 * 60_000)], expected: { 0: '4', 1: '3', 2: '3' } },
  { name: '--to-datetime in the future (all fall back to latest)', ours: ['--to-datetime', kafkaTime(now + 24 * HOUR)], expected: { 0: '10', 1: '6', 2: '3' } },
  { name: '--by-duration', ours: ['--by-duration', 'PT2H30M'], expected: { 0: '8', 1: '6', 2: '3' } },
  { name: '--to-current (latest where nothing is committed)', ours: ['--to-current'], expected: { 0: '4', 1: '2', 2: '3' } },
];

describe('offsets reset: every mode gives the offsets Kafka’s own tool computes', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const scope = c.name.startsWith('--shift-by') ? ['--topic', `${topic}:0,1`] : ['--topic', topic];
      const ours = await ourPlan(['--group', group, ...scope, ...c.ours]);
      const kafka = await kafkaPlan(['--group', group, ...scope, ...(c.kafka ?? c.ours)]);
      const expected = Object.fromEntries(Object.entries(c.expected).map(([p, o]) => [`${topic}-${p}`, o]));
      expect(kafka).toEqual(expected);
      expect(ours).toEqual(kafka);
    });
  }

  it('--from-file (Kafka CSV, clamped) and --all-topics', async () => {
    const file = path.join(dir, 'plan.csv');
    await fs.writeFile(file, `${topic},0,0\n${topic},1,99\n${topic},2,1\n`);
    const fromFile = await ourPlan(['--group', group, '--from-file', file]);
    expect(fromFile).toEqual(await kafkaPlan(['--group', group, '--from-file', file]));
    expect(fromFile).toEqual({ [`${topic}-0`]: '2', [`${topic}-1`]: '6', [`${topic}-2`]: '1' });

    const allTopics = await ourPlan(['--group', group, '--all-topics', '--to-latest']);
    expect(allTopics).toEqual(await kafkaPlan(['--group', group, '--all-topics', '--to-latest']));
    expect(allTopics).toEqual({ [`${topic}-0`]: '10', [`${topic}-1`]: '6' });
  });
});

describe('offsets reset and export', () => {
  it('prints current, target and delta; --shift-by without a committed offset is refused like Kafka', async () => {
    const run = await runCli(['offsets', 'reset', '--group', group, '--topic', topic, '--to-latest', '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({
      group,
      executed: false,
      plan: [
        { topic, partition: 0, current: '4', target: '10', delta: 6 },
        { topic, partition: 1, current: '2', target: '6', delta: 4 },
        { topic, partition: 2, current: null, target: '3', delta: null },
      ],
    });
    const shift = await runCli(['offsets', 'reset', '--group', group, '--topic', topic, '--shift-by', '1']);
    expect(shift.code).toBe(2);
    expect(shift.stderr).toContain(`${topic}-2 for group ${group}: it has no committed offset`);
  });

  it('--execute applies; export writes Kafka CSV that restores the group exactly', async () => {
    const g = uniqueName('offsets-exec');
    const backup = path.join(dir, `${g}.csv`);
    const set = await runCli(['offsets', 'reset', '--group', g, '--topic', `${topic}:0,1`, '--to-offset', '3', '--execute', '--json']);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ group: g, executed: true });
    const exported = await runCli(['offsets', 'export', '--group', g, '--out', backup, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(await fs.readFile(backup, 'utf8')).toBe(`${topic},0,3\n${topic},1,3\n`);

    const moved = await runCli(['offsets', 'reset', '--group', g, '--topic', topic, '--to-latest', '--execute', '--export', path.join(dir, 'moved.csv')]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(await fs.readFile(path.join(dir, 'moved.csv'), 'utf8')).toBe(`${topic},0,10\n${topic},1,6\n${topic},2,3\n`);

    const restore = await runCli(['offsets', 'reset', '--group', g, '--from-file', backup, '--execute', '--json']);
    expect(restore.code, restore.stderr).toBe(0);
    const after = await runCli(['offsets', 'export', '--group', g]);
    expect(after.stdout).toBe(`${topic},0,3\n${topic},1,3\n${topic},2,3\n`);

    // Several groups: the 4-column form, as Kafka writes it.
    const both = await runCli(['offsets', 'export', '--group', g, '--group', group]);
    expect(both.stdout.split('\n')).toContain(`${group},${topic},0,4`);
    expect(both.stdout.split('\n')).toContain(`${g},${topic},1,3`);
  });

  it('refuses --execute while the group has active members, naming them (exit 2), and changes nothing', async () => {
    const g = uniqueName('offsets-active');
    const kafka = createKafka(testConnection());
    const consumer = kafka.consumer({ groupId: g });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await joined;
    try {
      const admin = kafka.admin();
      await admin.connect();
      const member = (await admin.describeGroups([g])).groups[0]!.members[0]!;
      await admin.disconnect();

      const run = await runCli(['offsets', 'reset', '--group', g, '--topic', topic, '--to-earliest', '--execute']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`group ${g} has 1 active member: member ${member.memberId} (client id ${member.clientId}, host ${member.clientHost})`);

      const dry = await runCli(['offsets', 'reset', '--group', g, '--topic', topic, '--to-earliest', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ executed: false, state: 'Stable', activeMembers: [{ memberId: member.memberId }] });
      expect(dry.stderr).toContain('--execute would be refused');
    } finally {
      await consumer.disconnect();
    }
    const exported = await runCli(['offsets', 'export', '--group', g]);
    expect(exported.stdout).toBe('');
  });
});
