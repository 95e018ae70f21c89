import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CONNECT, STREAMFLOW, encodeDeadLetterHeaders } from '../../src/dlq/dlq-headers.js';
import { createKafka } from '../../src/kafka/client.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import type { ConsumedRecord } from '../../src/kafka/record-reader.js';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { avroTypeOf } from '../../src/schema/schema-file.js';
import { encodeWithSchemaId } from '../../src/schema/wire-format.js';
import { clusterDashboardSource } from '../../src/tui/data/cluster-dashboard-source.js';
import { killSpawnedClis, runCli, spawnCli, testConnection, testEnv, uniqueName, writeInTransactions } from './helpers.js';

const ORDER_SCHEMA = {
  type: 'record',
  name: 'DlqTestOrder',
  namespace: 'streamflow.test',
  fields: [
    { name: 'order_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
  ],
};
const type = avroTypeOf(ORDER_SCHEMA);
let schemaId = 0;
const T0 = Date.UTC(2024, 4, 1, 12);

type Kind = 'valid' | 'unknown-schema' | 'bad-magic' | 'capped' | 'connect';
interface Seeded {
  origin: string;
  dlq: string;
  records: Array<{ kind: Kind; key: string; partition: number; originalPartition: number; originalOffset: string; timestamp: number; order: { order_id: string; amount_minor: number } }>;
}

/**
 * A DLQ written the way the reference runtime writes it (encodeDeadLetterHeaders beside the
 * record's own headers), plus a Kafka Connect dead letter: `counts` records of each kind.
 */
async function seedDlq(counts: Partial<Record<Kind, number>>, opts: { transactional?: boolean } = {}): Promise<Seeded> {
  const origin = uniqueName('dlqt.orders');
  const dlq = `${origin}.dlq`;
  const kafka = createKafka(testConnection());
  const admin = kafka.admin();
  // Idempotent: right after the topic is created, one partition of the (single, two-partition)
  // Produce request can still fail with NOT_LEADER_OR_FOLLOWER while the other is written; kafkajs
  // then resends the whole request, and a plain producer would write that partition's records
  // twice. With sequence numbers the broker drops the duplicate batch.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  // The records are dated T0 (2024): with the default 7-day retention the broker deletes them at
  // its first retention check, 5 min after it started, i.e. in the middle of some test.
  const keepForever = [{ name: 'retention.ms', value: '-1' }];
  await admin.createTopics({
    topics: [
      { topic: origin, numPartitions: 3, replicationFactor: 1, configEntries: keepForever },
      { topic: dlq, numPartitions: 2, replicationFactor: 1, configEntries: keepForever },
    ],
    waitForLeaders: true,
  });
  const kinds = (Object.entries(counts) as Array<[Kind, number]>).flatMap(([kind, n]) => Array.from({ length: n }, () => kind));
  const records: Seeded['records'] = [];
  const messages = kinds.map((kind, i) => {
    const order = { order_id: `o-${i}`, amount_minor: 1000 + i };
    const r = { kind, key: order.order_id, partition: i % 2, originalPartition: i % 3, originalOffset: String(100 + i), timestamp: T0 + i * 1000, order };
    records.push(r);
    const errorClass = { valid: 'PaymentGatewayTimeout', 'unknown-schema': 'UnknownSchemaIdError', 'bad-magic': 'BadMagicByteError', capped: 'PaymentGatewayTimeout', connect: '' }[kind];
    const value = kind === 'unknown-schema' ? encodeWithSchemaId(type, 2_000_000_000, order) : kind === 'bad-magic' ? Buffer.from('not avro') : encodeWithSchemaId(type, schemaId, order);
    const context =
      kind === 'connect'
        ? {
            [CONNECT.topic]: Buffer.from(origin),
            [CONNECT.partition]: Buffer.from(String(r.originalPartition)),
            [CONNECT.offset]: Buffer.from(r.originalOffset),
            [CONNECT.exceptionClass]: Buffer.from('org.apache.kafka.connect.errors.DataException'),
            [CONNECT.exceptionMessage]: Buffer.from('Converting byte[] to Kafka Connect data failed'),
            [CONNECT.connector]: Buffer.from('jdbc-sink'),
          }
        : encodeDeadLetterHeaders({
            originalTopic: origin,
            originalPartition: r.originalPartition,
            originalOffset: r.originalOffset,
            originalTimestamp: String(T0 - 60_000),
            consumerGroup: 'payment-service',
            errorClass,
            errorMessage: `${errorClass}: order ${order.order_id} failed (timeout after 3 attempts)`,
            stack: `${errorClass}\n    at pay (payment.ts:1)`,
            service: 'payment',
            attempts: 3,
            firstFailure: new Date(T0 - 50_000).toISOString(),
            lastFailure: new Date(T0 - 40_000).toISOString(),
          });
    return {
      partition: r.partition,
      key: r.key,
      value,
      timestamp: String(r.timestamp),
      headers: { event_id: `e-${i}`, ...context, ...(kind === 'capped' ? { [STREAMFLOW.redriveCount]: '3' } : {}) },
    };
  });
  // As the runtime writes its DLQs: in transactions (of 3 here), each leaving a marker offset.
  if (opts.transactional) await writeInTransactions(dlq, Array.from({ length: Math.ceil(messages.length / 3) }, (_, i) => messages.slice(i * 3, i * 3 + 3)));
  else await producer.send({ topic: dlq, messages });
  await Promise.all([admin.disconnect(), producer.disconnect()]);
  return { origin, dlq, records };
}

/** Every committed record of a topic (read_committed, as the runtime's consumers read). */
async function readAll(topic: string): Promise<ConsumedRecord[]> {
  return withClusterSession(testConnection(), async (s) => {
    const partitions = (await s.offsets.partitions([topic])).get(topic)!;
    const out: ConsumedRecord[] = [];
    for (const r of await s.offsets.ranges(partitions.map((partition) => ({ topic, partition })))) {
      out.push(...(await s.records.read(topic, r.partition, r.earliest, { maxRecords: 100_000, untilOffset: r.latest })).records);
    }
    return out;
  });
}

async function endOffsets(topic: string): Promise<string[]> {
  return withClusterSession(testConnection(), async (s) => {
    const partitions = (await s.offsets.partitions([topic])).get(topic)!;
    return (await s.offsets.ranges(partitions.map((partition) => ({ topic, partition })))).map((r) => `${r.partition}:${r.earliest}-${r.latest}`);
  });
}

async function createTopic(topic: string, partitions = 3): Promise<void> {
  const admin = createKafka(testConnection()).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
}

const header = (r: ConsumedRecord, name: string) => r.headers.find((h) => h.key === name)?.value?.toString();

beforeAll(async () => {
  schemaId = (await new RegistryClient(testConnection().registry!).register(uniqueName('dlqt-value'), JSON.stringify(ORDER_SCHEMA))).id;
});

describe('dlq list and browse', () => {
  let seeded: Seeded;
  beforeAll(async () => {
    seeded = await seedDlq({ valid: 6, 'unknown-schema': 3, 'bad-magic': 2, connect: 1 });
  });

  it('lists DLQ topics with depth, oldest/newest and error classes', async () => {
    const run = await runCli(['dlq', 'list', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const entry = JSON.parse(run.stdout).topics.find((t: { topic: string }) => t.topic === seeded.dlq);
    expect(entry).toEqual({
      topic: seeded.dlq,
      depth: 12,
      offsets: 12,
      oldest: new Date(T0).toISOString(),
      newest: new Date(T0 + 11_000).toISOString(),
      errors: { PaymentGatewayTimeout: 6, UnknownSchemaIdError: 3, BadMagicByteError: 2, 'org.apache.kafka.connect.errors.DataException': 1 },
      sampled: 12,
      parked: 0,
    });
    const sampled = JSON.parse((await runCli(['dlq', 'list', '--topic', seeded.dlq, '--sample', '4', '--json'])).stdout).topics;
    expect(sampled).toHaveLength(1);
    expect(sampled[0]).toMatchObject({ depth: 12, sampled: 4, newest: new Date(T0 + 11_000).toISOString() });
  });

  it('browses with the payload decoded through the registry and the context headers in all conventions', async () => {
    const run = await runCli(['dlq', 'browse', seeded.dlq, '--limit', '100', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.topic).toBe(seeded.dlq);
    expect(doc.records).toHaveLength(12);
    const byKey = new Map(doc.records.map((r: { key: string }) => [r.key, r]));
    for (const s of seeded.records) {
      const r = byKey.get(s.key) as Record<string, any>;
      expect(r.partition).toBe(s.partition);
      expect(r.timestamp).toBe(new Date(s.timestamp).toISOString());
      expect(r.original).toEqual({ topic: seeded.origin, partition: s.originalPartition, offset: s.originalOffset });
      expect(r.headers.event_id).toBe(`e-${s.key.slice(2)}`);
      if (s.kind === 'valid') {
        expect(r.value).toEqual(s.order);
        expect(r.valueError).toBeNull();
        expect(r.error).toEqual({ class: 'PaymentGatewayTimeout', message: `PaymentGatewayTimeout: order ${s.key} failed (timeout after 3 attempts)` });
        expect(r.context).toMatchObject({ convention: 'spring', consumerGroup: 'payment-service', service: 'payment', attempts: 3, originalTimestamp: new Date(T0 - 60_000).toISOString(), redriveCount: 0 });
        expect(r.headers['kafka_dlt-original-partition']).toBe(String(s.originalPartition));
        expect(r.headers['kafka_dlt-original-offset']).toBe(s.originalOffset);
      } else if (s.kind === 'connect') {
        expect(r.context).toMatchObject({ convention: 'connect', connector: 'jdbc-sink' });
        expect(r.error.class).toBe('org.apache.kafka.connect.errors.DataException');
        expect(r.value).toEqual(s.order);
      } else {
        expect(r.value).toBeNull();
        expect(r.valueError.class).toBe(s.kind === 'bad-magic' ? 'BadMagicByteError' : 'UnknownSchemaIdError');
      }
    }
  });

  it('filters by error class, key, header, message and time; --limit bounds the output', async () => {
    const keys = async (...args: string[]) => {
      const run = await runCli(['dlq', 'browse', seeded.dlq, '--limit', '100', '--json', ...args]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout).records.map((r: { key: string }) => r.key).sort();
    };
    const ofKind = (k: Kind) => seeded.records.filter((r) => r.kind === k).map((r) => r.key).sort();
    expect(await keys('--filter', 'class=UnknownSchemaIdError')).toEqual(ofKind('unknown-schema'));
    expect(await keys('--filter', 'class=DataException')).toEqual(ofKind('connect'));
    expect(await keys('--filter', 'key=o-4')).toEqual(['o-4']);
    expect(await keys('--filter', 'header.event_id=e-7')).toEqual(['o-7']);
    expect(await keys('--filter', 'message~timeout', '--filter', 'class!=PaymentGatewayTimeout')).toEqual([...ofKind('unknown-schema'), ...ofKind('bad-magic')].sort());
    expect(await keys('--filter', `since=${new Date(T0 + 3_000).toISOString()}`, '--filter', `until=${new Date(T0 + 5_000).toISOString()}`)).toEqual(['o-3', 'o-4']);
    const limited = JSON.parse((await runCli(['dlq', 'browse', seeded.dlq, '--limit', '2', '--json'])).stdout);
    expect(limited.records).toHaveLength(2);
    expect((await runCli(['dlq', 'browse', seeded.dlq, '--filter', 'colour=red'])).code).toBe(2);
  });
});

describe('dlq list on a DLQ written in Kafka transactions', () => {
  const dlq = uniqueName('dlqt.txn.orders') + '.dlq';
  const base = Date.now() - 3_600_000;
  let n = 0;
  /** Dead letters as the runtime writes them: its DLQ producer is transactional. */
  const deadLetters = (count: number) =>
    Array.from({ length: count }, () => {
      const i = n++;
      const errorClass = i % 3 === 0 ? 'UnknownSchemaIdError' : 'PaymentGatewayTimeout';
      const headers = encodeDeadLetterHeaders({ originalTopic: 'orders', originalPartition: 0, originalOffset: String(i), originalTimestamp: '0', consumerGroup: 'g', errorClass, errorMessage: 'failed', stack: '', service: 'payment', attempts: 3, firstFailure: '', lastFailure: '' });
      return { key: `o-${i}`, value: Buffer.from('x'), headers, timestamp: String(base + i * 1000) };
    });

  beforeAll(async () => {
    await createTopic(dlq, 3);
    // 120 records in 40 transactions of 1 to 5 records, then 9 in an aborted one (not counted).
    const batches = Array.from({ length: 40 }, (_, t) => deadLetters((t % 5) + 1));
    const aborted = deadLetters(9);
    n -= aborted.length;
    await writeInTransactions(dlq, batches, aborted);
  });

  const listed = async (...args: string[]) => {
    const run = await runCli(['dlq', 'list', '--topic', dlq, '--json', ...args]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout).topics[0];
  };

  it('depth is what a read_committed reader counts, not the offset span', async () => {
    const committed = (await readAll(dlq)).length;
    expect(committed).toBe(n);
    const entry = await listed();
    expect(entry.depth).toBe(committed);
    expect(entry.offsets).toBeGreaterThan(committed + 40);
    expect((await runCli(['dlq', 'list', '--topic', dlq])).stdout).toMatch(new RegExp(`${dlq.replace(/\./g, '\\.')}\\s+${committed}\\s`));
    // Over --count-limit: depth not counted, the offset span shown as such.
    expect(await listed('--count-limit', '10')).toMatchObject({ depth: null, offsets: entry.offsets });
    expect((await runCli(['dlq', 'list', '--topic', dlq, '--count-limit', '10'])).stdout).toContain(`≤${entry.offsets}`);
  });

  it("an open transaction's records are not counted until it commits", async () => {
    const open = uniqueName('dlqt.open.orders') + '.dlq';
    await createTopic(open, 2);
    await writeInTransactions(open, [['x', 'y', 'z'].map((key) => ({ key, value: 'x' }))]);
    const producer = createKafka(testConnection()).producer({ transactionalId: uniqueName('open-txn'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic: open, acks: -1, messages: [{ key: 'a', value: 'x' }, { key: 'b', value: 'x' }, { key: 'c', value: 'x' }, { key: 'd', value: 'x' }] });
      const run = await runCli(['dlq', 'list', '--topic', open, '--json']);
      expect(JSON.parse(run.stdout).topics[0]).toMatchObject({ depth: 3, sampled: 3 });
      await txn.commit();
    } finally {
      await producer.disconnect();
    }
    expect(JSON.parse((await runCli(['dlq', 'list', '--topic', open, '--json'])).stdout).topics[0]).toMatchObject({ depth: 7 });
  });

  it('--sample N reads exactly the N newest records (all when fewer)', async () => {
    for (const sample of [1, 2, 50, n]) {
      const entry = await listed('--sample', String(sample));
      expect(entry.sampled, `--sample ${sample}`).toBe(sample);
      expect(Object.values(entry.errors).reduce((a: number, b) => a + (b as number), 0)).toBe(sample);
      expect(entry.newest).toBe(new Date(base + (n - 1) * 1000).toISOString());
    }
    // The newest 3 are o-117..o-119, of which o-117 failed with UnknownSchemaIdError.
    expect((await listed('--sample', '3')).errors).toEqual({ PaymentGatewayTimeout: 2, UnknownSchemaIdError: 1 });
    expect((await listed('--sample', '500')).sampled).toBe(n);
  });

  it("the dashboard's DLQ depth is the same count, and follows new transactions", async () => {
    const source = clusterDashboardSource({ conn: testConnection(), signal: new AbortController().signal });
    try {
      const depthOf = async () => (await source.dlqTopics()).find((t) => t.topic === dlq)?.depth;
      expect(await depthOf()).toBe(n);
      const [more, aborted] = [[deadLetters(4), deadLetters(2)], deadLetters(3)];
      n -= aborted.length;
      await writeInTransactions(dlq, more, aborted);
      expect(await depthOf()).toBe(n);
      expect(await depthOf()).toBe((await readAll(dlq)).length);
    } finally {
      await source.close();
    }
  });
});

describe('dlq redrive', () => {
  it('plans first (dry run): counts by target and error class, sends nothing', async () => {
    const s = await seedDlq({ valid: 4, capped: 2, 'unknown-schema': 1 });
    const before = await endOffsets(s.dlq);
    const run = await runCli(['dlq', 'redrive', s.dlq, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({
      executed: false,
      planned: 5,
      redriven: 0,
      skipped: 0,
      parked: 2,
      parkingTopic: `${s.dlq}.parking`,
      byTarget: { [s.origin]: 5 },
      byErrorClass: { PaymentGatewayTimeout: 4, UnknownSchemaIdError: 1 },
      skippedBy: { 'max-redrives': 0, invalid: 0, 'no-target': 0 },
    });
    // --parking none: those records are skipped instead.
    expect(JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--parking', 'none', '--json'])).stdout)).toMatchObject({ parked: 0, skipped: 2, skippedBy: { 'max-redrives': 2 }, parkingTopic: null });
    expect(plan.jobId).toMatch(/^[0-9a-f]{16}$/);
    expect(plan).toMatchObject({ scanned: 7, remaining: 0, resumed: false, previouslyRedriven: 0, interrupted: false });
    // --limit: what the run would leave after its checkpoint, counted in records.
    const limited = JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--limit', '2', '--json'])).stdout);
    expect(limited.planned).toBe(2);
    expect(limited.scanned + limited.remaining).toBe(7);
    expect(await readAll(s.origin)).toHaveLength(0);
    expect(await endOffsets(s.dlq)).toEqual(before);
  });

  it('sends records back to their original topic with key, own headers and provenance; parks loops; a rerun sends nothing twice', async () => {
    const s = await seedDlq({ valid: 5, capped: 2 });
    const before = await endOffsets(s.dlq);
    const run = await runCli(['dlq', 'redrive', s.dlq, '--execute', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const done = JSON.parse(run.stdout);
    expect(done).toMatchObject({ executed: true, planned: 5, redriven: 5, skipped: 0, parked: 2, byTarget: { [s.origin]: 5 }, remaining: 0, resumed: false, previouslyRedriven: 0, interrupted: false });
    // The two redriven 3 times already went whole (DLQ headers kept) to the parking topic it created.
    const parked = await readAll(`${s.dlq}.parking`);
    const parking = JSON.parse((await runCli(['topic', 'describe', `${s.dlq}.parking`, '--json'])).stdout);
    expect(parking.overrides).toEqual(expect.arrayContaining(['min.insync.replicas', 'retention.ms']));
    expect(parking.configs['min.insync.replicas']).toBe('1'); // RF 1 on the test's one broker
    expect(parked.map((r) => r.key!.toString()).sort()).toEqual(s.records.filter((r) => r.kind === 'capped').map((r) => r.key).sort());
    for (const r of parked) {
      expect(header(r, 'kafka_dlt-exception-fqcn')).toBe('PaymentGatewayTimeout');
      expect(header(r, STREAMFLOW.parkedByJob)).toBe(done.jobId);
    }

    const back = await readAll(s.origin);
    expect(back.map((r) => r.key!.toString()).sort()).toEqual(s.records.filter((r) => r.kind === 'valid').map((r) => r.key).sort());
    for (const r of back) {
      const seeded = s.records.find((x) => x.key === r.key!.toString())!;
      expect(type.fromBuffer(r.value!.subarray(5))).toEqual(seeded.order);
      expect(header(r, 'event_id')).toBe(`e-${seeded.key.slice(2)}`);
      expect(header(r, STREAMFLOW.redriveJob)).toBe(done.jobId);
      expect(header(r, STREAMFLOW.redriveCount)).toBe('1');
      expect(r.headers.filter((h) => h.key.startsWith('kafka_dlt-') || h.key === STREAMFLOW.service || h.key === STREAMFLOW.attempts)).toEqual([]);
    }
    // The DLQ is only read: its offsets are what they were.
    expect(await endOffsets(s.dlq)).toEqual(before);

    const again = JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--execute', '--json'])).stdout);
    expect(again).toMatchObject({ jobId: done.jobId, planned: 0, redriven: 0, remaining: 0, resumed: true, previouslyRedriven: 5 });
    expect(await readAll(s.origin)).toHaveLength(5);
  });

  it('stops cleanly on Ctrl-C and a rerun resumes, saying so: every record redriven exactly once', async () => {
    // Written in transactions, as the runtime writes its DLQs: offsets are not records.
    const s = await seedDlq({ valid: 40 }, { transactional: true });
    const target = uniqueName('dlqt.replay');
    await createTopic(target);
    const before = await endOffsets(s.dlq);

    // Slow it down (20/s, 5 per transaction) and interrupt it mid-way.
    const controller = new AbortController();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => controller.abort(), 900);
    const code = await main(['dlq', 'redrive', s.dlq, '--to', target, '--rate', '20/s', '--execute', '--json'], { stdout, stderr: new PassThrough(), env: testEnv(), signal: controller.signal });
    clearTimeout(timer);
    expect(code).toBe(130);
    const first = JSON.parse(out);
    expect(first.interrupted).toBe(true);
    expect(first.redriven).toBeGreaterThan(0);
    expect(first.redriven).toBeLessThan(40);
    expect(first).toMatchObject({ resumed: false, previouslyRedriven: 0, remaining: 40 - first.redriven });
    expect(await readAll(target)).toHaveLength(first.redriven);

    const rerun = await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--execute', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const second = JSON.parse(rerun.stdout);
    expect(second.jobId).toBe(first.jobId);
    expect(second).toMatchObject({ redriven: 40 - first.redriven, resumed: true, previouslyRedriven: first.redriven, remaining: 0 });
    expect(rerun.stderr).toContain(`Resuming job ${first.jobId} from its checkpoint (group streamflow-redrive-${first.jobId}): earlier runs redrove ${first.redriven} records.`);
    // A third run: the earlier runs together sent all 40.
    expect(JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--json'])).stdout)).toMatchObject({ planned: 0, resumed: true, previouslyRedriven: 40 });

    const keys = (await readAll(target)).map((r) => r.key!.toString());
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
    expect(await endOffsets(s.dlq)).toEqual(before);
  });

  it('Ctrl-C while it plans: nothing is sent, the summary says interrupted, exit 130', async () => {
    const s = await seedDlq({ valid: 30 }, { transactional: true });
    const target = uniqueName('dlqt.early');
    await createTopic(target);
    for (const json of [true, false]) {
      const controller = new AbortController();
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (d) => (out += d));
      const run = main(['dlq', 'redrive', s.dlq, '--to', target, '--execute', ...(json ? ['--json'] : [])], { stdout, stderr: new PassThrough(), env: testEnv(), signal: controller.signal });
      controller.abort();
      expect(await run).toBe(130);
      if (json) expect(JSON.parse(out)).toMatchObject({ executed: false, redriven: 0, interrupted: true, remaining: 30 });
      else expect(out).toMatch(/^Interrupted: stopped while planning, after looking at 0 records; nothing was sent \(job [0-9a-f]{16}\)\.\n$/);
    }
    expect(await readAll(target)).toHaveLength(0);
  });

  it('SIGTERM to the process: the text summary says interrupted and what is left, exit 130', async () => {
    const s = await seedDlq({ valid: 30 });
    const target = uniqueName('dlqt.sigterm');
    await createTopic(target);
    const child = spawn(process.execPath, [path.resolve('bin/streamflow'), 'dlq', 'redrive', s.dlq, '--to', target, '--rate', '10/s', '--execute'], { env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let [out, err] = ['', ''];
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Signal once the run has started sending (its plan is printed first).
    await vi.waitFor(() => expect(err).toContain('to redrive'), { timeout: 15_000, interval: 50 });
    await new Promise((r) => setTimeout(r, 1_000));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, err).toBe(130);
    const m = out.match(/^Interrupted: redrove (\d+) records \(\S+ \d+\), skipped 0, (\d+) records left after the checkpoint; job /);
    expect(m, out).not.toBeNull();
    const [sent, left] = [Number(m![1]), Number(m![2])];
    expect(sent).toBeGreaterThan(0);
    expect(sent + left).toBe(30);
    expect(await readAll(target)).toHaveLength(sent);
    expect(err).toContain('rerun the same command to resume job');
  });

  it('a second run of the same job fences the first: records still land exactly once', async () => {
    const s = await seedDlq({ valid: 30 });
    const target = uniqueName('dlqt.fenced');
    await createTopic(target);
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (d) => (errors += d));
    const slow = main(['dlq', 'redrive', s.dlq, '--to', target, '--rate', '10/s', '--execute', '--json'], { stdout: new PassThrough(), stderr, env: testEnv(), signal: new AbortController().signal });
    await new Promise((r) => setTimeout(r, 700));
    const fast = await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--execute', '--json']);
    expect(fast.code, fast.stderr).toBe(0);
    // The first run loses its producer epoch at its next transaction and stops (exit 1).
    expect(await slow).toBe(1);
    expect(errors).toContain('took over (fenced)');
    const keys = (await readAll(target)).map((r) => r.key!.toString());
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
    expect(JSON.parse(fast.stdout).redriven).toBeLessThan(30);
  });

  it('--validate skips records whose payload no longer decodes; --filter and --limit narrow the job', async () => {
    const s = await seedDlq({ valid: 4, 'unknown-schema': 2, 'bad-magic': 1 });
    const target = uniqueName('dlqt.validated');
    await createTopic(target);
    const run = await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--validate', '--execute', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ redriven: 4, skipped: 3, skippedBy: { invalid: 3 } });
    expect((await readAll(target)).map((r) => r.key!.toString()).sort()).toEqual(s.records.filter((r) => r.kind === 'valid').map((r) => r.key).sort());

    const narrowed = uniqueName('dlqt.narrow');
    await createTopic(narrowed);
    const limited = JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--to', narrowed, '--filter', 'class=UnknownSchemaIdError', '--limit', '1', '--execute', '--json'])).stdout);
    expect(limited).toMatchObject({ redriven: 1 });
    const rest = JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--to', narrowed, '--filter', 'class=UnknownSchemaIdError', '--execute', '--json'])).stdout);
    expect(rest).toMatchObject({ jobId: limited.jobId, redriven: 1 });
    expect(await readAll(narrowed)).toHaveLength(2);
  });

  it('a redriven record that fails again goes to the parking topic after --max-redrives', async () => {
    const s = await seedDlq({ valid: 1 });
    const target = uniqueName('dlqt.loop');
    await createTopic(target);
    // Dead-letter the redriven record again, as the runtime would (its headers kept beside the context).
    const kafka = createKafka(testConnection());
    const producer = kafka.producer();
    await producer.connect();
    await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--execute']);
    const [redriven] = await readAll(target);
    const again = Object.fromEntries(redriven!.headers.map((h) => [h.key, h.value!]));
    await producer.send({ topic: s.dlq, messages: [{ key: redriven!.key, value: redriven!.value, headers: { ...again, ...encodeDeadLetterHeaders({ originalTopic: target, originalPartition: redriven!.partition, originalOffset: String(redriven!.offset), originalTimestamp: '0', consumerGroup: 'g', errorClass: 'StillBroken', errorMessage: 'again', stack: '', service: 'payment', attempts: 3, firstFailure: '', lastFailure: '' }) } }] });
    await producer.disconnect();
    const capped = JSON.parse((await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--max-redrives', '1', '--execute', '--json'])).stdout);
    expect(capped).toMatchObject({ redriven: 0, skipped: 0, parked: 1 });
    expect(await readAll(target)).toHaveLength(1);
    const [parked] = await readAll(`${s.dlq}.parking`);
    expect(header(parked!, 'kafka_dlt-exception-fqcn')).toBe('StillBroken');
    expect(parked!.value).toEqual(redriven!.value);
    // The DLQ drained without losing anything: `dlq list` shows the parking depth.
    const listed = JSON.parse((await runCli(['dlq', 'list', '--topic', s.dlq, '--json'])).stdout) as { topics: Array<{ topic: string; parked: number }> };
    expect(listed.topics[0]).toMatchObject({ topic: s.dlq, parked: 1 });
  });
});

describe('dlq jobs, cancel and history', () => {
  afterEach(killSpawnedClis);

  it('a slow redrive is listed running with progress, cancelled from another process with exact counts, resumed, and audited', async () => {
    const s = await seedDlq({ valid: 40 }, { transactional: true });
    const target = uniqueName('dlqt.jobs');
    await createTopic(target);
    const jobId = uniqueName('job');
    const redrive = spawnCli(['dlq', 'redrive', s.dlq, '--to', target, '--rate', '8/s', '--job-id', jobId, '--execute', '--json'], testEnv());

    // Listed from another process while it runs, with its progress.
    let running: { status: string; redriven: number; remaining: number | null; by: string } | undefined;
    for (let i = 0; i < 60 && !(running?.status === 'running' && running.redriven > 0); i++) {
      await new Promise((r) => setTimeout(r, 250));
      const listed = await runCli(['dlq', 'jobs', '--json']);
      running = (JSON.parse(listed.stdout) as { jobs: Array<typeof running & { jobId: string }> }).jobs.find((j) => j!.jobId === jobId);
    }
    expect(running, redrive.output()).toMatchObject({ status: 'running', dlq: s.dlq, target });
    expect(running!.redriven).toBeGreaterThan(0);
    expect(running!.remaining).toBe(40 - running!.redriven);
    expect(running!.by).toMatch(/.+@.+/);

    const cancelled = await runCli(['dlq', 'cancel', jobId, '--json']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const job = (JSON.parse(cancelled.stdout) as { job: { status: string; redriven: number; remaining: number } }).job;
    expect(job.status).toBe('cancelled');
    expect(await redrive.exited).toBe(130);
    const summary = JSON.parse(redrive.stdout()) as { redriven: number; cancelledBy: string };
    expect(summary.cancelledBy).toMatch(/@/);
    // Exact: the job's count is what its target holds, and the rest is what remains.
    expect(summary.redriven).toBe(job.redriven);
    expect(await readAll(target)).toHaveLength(job.redriven);
    expect(job.remaining).toBe(40 - job.redriven);
    expect(job.redriven).toBeLessThan(40);

    // The same job id resumes it: every record lands once.
    const rerun = await runCli(['dlq', 'redrive', s.dlq, '--to', target, '--rate', 'max', '--job-id', jobId, '--execute', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await readAll(target)).toHaveLength(40);
    const after = (JSON.parse((await runCli(['dlq', 'jobs', '--json'])).stdout) as { jobs: Array<{ jobId: string; status: string; redriven: number; remaining: number }> }).jobs.find((j) => j.jobId === jobId);
    expect(after).toMatchObject({ status: 'completed', redriven: 40, remaining: 0 }); // every run's records

    const history = JSON.parse((await runCli(['dlq', 'history', '--job', jobId, '--json'])).stdout) as { entries: Array<{ action: string; outcome: string; counts: Record<string, number> }> };
    // The cancelled run and the cancel are written by two processes at about the same time: either order.
    const [first, second, third] = history.entries.map((e) => `${e.action} ${e.outcome}`);
    expect([first, second].sort()).toEqual(['cancel cancelled', 'redrive cancelled']);
    expect(third).toBe('redrive completed');
    expect(history.entries).toHaveLength(3);
    expect(history.entries.find((e) => e.action === 'redrive')!.counts.redriven).toBe(job.redriven);
  }, 90_000);

  it('cancel names a job that does not exist or is not running', async () => {
    const missing = await runCli(['dlq', 'cancel', uniqueName('no-such-job')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no redrive job');
  });
});
