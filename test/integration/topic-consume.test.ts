import avro from 'avsc';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/config/paths.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../../src/dev/kafka-dist.js';
import { waitFor } from '../../src/dev/processes.js';
import { javaCommand } from '../../src/dev/tools.js';
import { createKafka } from '../../src/kafka/client.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import type { ConsumedRecord } from '../../src/kafka/record-reader.js';
import { killSpawnedClis, runCli, spawnCli, testConnection, testEnv, testStack, uniqueName, writeInTransactions } from './helpers.js';

/*
 * `topic consume` on the real stack: generator records read back decoded with the right
 * counts for an offset range and a time window, transactions counted as records (markers take
 * offsets), --follow, filters, templates, and the bad inputs an operator types.
 */

const env = testEnv();
const kafka = createKafka(testConnection());
// An independent decoder for the check: avsc from the contract file, not streamflow's.
const orderCreated = avro.Type.forSchema(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/checkout/order-created.avsc'), 'utf8')));

type Line = { topic: string; partition: number; offset: number; timestamp: number; key: unknown; value: any; valueFormat: string; valueSchemaId?: number; valueError?: string; headers: Record<string, unknown> };
const lines = (stdout: string): Line[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function consume(args: string[]) {
  const run = await runCli(['topic', 'consume', ...args], env);
  expect(run.code, run.stderr).toBe(0);
  return lines(run.stdout);
}

let orders = '';

beforeAll(async () => {
  orders = uniqueName('consume.orders');
  expect((await runCli(['topic', 'create', orders, '--partitions', '3'], env)).code).toBe(0);
  expect((await runCli(['schema', 'register', '--dir', 'schemas/checkout', '--topic', orders], env)).code).toBe(0);
  const produced = await runCli(['produce', 'checkout', '--topic', orders, '--count', '300', '--seed', '41', '--rate', 'max', '--compression', 'gzip', '--json'], env);
  expect(produced.code, produced.stderr).toBe(0);
}, 120_000);

afterEach(killSpawnedClis);

describe('topic consume', () => {
  it('reads back every record the generator wrote, decoded through the registry (gzip batches)', async () => {
    const read = await consume([orders]);
    expect(read).toHaveLength(300);
    expect(new Set(read.map((r) => `${r.partition}/${r.offset}`)).size).toBe(300);
    expect(read.every((r) => r.valueFormat === 'avro' && typeof r.valueSchemaId === 'number')).toBe(true);
    const created = read.filter((r) => r.value.envelope.event_type === 'OrderCreated');
    expect(created.length).toBeGreaterThan(200);
    // Keyed by order id, as the generator writes them.
    for (const r of created) expect(r.key).toBe(r.value.order_id);
    expect(created[0]!.headers).toMatchObject({ event_type: 'OrderCreated' });
  });

  it('reads an offset range of one partition, and the last N of each', async () => {
    const range = await consume([orders, '--partition', '1', '--from', '5', '--until', '15']);
    expect(range.map((r) => r.offset)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(range.every((r) => r.partition === 1)).toBe(true);
    const last = await consume([orders, '--from', '-2']);
    expect(last).toHaveLength(6);
    const perPartition = await consume([orders, '--from', '0:3,2:0', '--until', '0:5,2:1']);
    expect(perPartition.map((r) => `${r.partition}/${r.offset}`).sort()).toEqual(['0/3', '0/4', '2/0']);
  });

  it('filters on decoded fields with --where and counts what it wrote', async () => {
    const all = await consume([orders]);
    const expected = all.filter((r) => r.value.total_minor !== undefined && r.value.total_minor > 10_000).length;
    expect(expected).toBeGreaterThan(0);
    const run = await runCli(['topic', 'consume', orders, '--where', 'value.total_minor > 10000', '--where', 'value.envelope.event_type == "OrderCreated"'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run.stdout)).toHaveLength(expected);
    expect(run.stderr).toContain(`${expected} record(s) of ${orders} (300 read)`);
    const counted = await consume([orders, '--count', '7', '--where', 'value.total_minor > 0']);
    expect(counted).toHaveLength(7);
  });

  it('agrees with kafkajs\' own record decoding and avsc on every record (offsets, keys, headers, values)', async () => {
    const mine = await consume([orders]);
    const theirs = await withClusterSession(testConnection(), async (s) => {
      const out: ConsumedRecord[] = [];
      for (const partition of [0, 1, 2]) out.push(...(await s.records.read(orders, partition, 0n, { maxRecords: 1000 })).records);
      return out;
    });
    expect(mine).toHaveLength(theirs.length);
    const byPosition = new Map(mine.map((r) => [`${r.partition}/${r.offset}`, r]));
    let compared = 0;
    for (const t of theirs) {
      const m = byPosition.get(`${t.partition}/${t.offset}`)!;
      expect(m.key).toBe(t.key!.toString());
      expect(m.timestamp).toBe(t.timestamp);
      expect(m.valueSchemaId).toBe(t.value!.readInt32BE(1));
      expect(Object.keys(m.headers).sort()).toEqual(t.headers.map((h) => h.key).sort());
      if (m.headers.event_type === 'OrderCreated') {
        expect(m.value).toEqual(JSON.parse(JSON.stringify(orderCreated.fromBuffer(t.value!.subarray(5)))));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('reads a time window by the records\' timestamps', async () => {
    const topic = uniqueName('consume.window');
    expect((await runCli(['topic', 'create', topic, '--partitions', '2'], env)).code).toBe(0);
    const t0 = Date.now() - 3_600_000;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2, timestamp: String(t0 + i * 60_000) })) });
    await producer.disconnect();
    // Minutes 5 to 9 of the hour: records 5..9, whichever partition they are on.
    const window = await consume([topic, '--from', `@${t0 + 5 * 60_000}`, '--until', new Date(t0 + 10 * 60_000).toISOString()]);
    expect(window.map((r) => r.value).sort()).toEqual(['v5', 'v6', 'v7', 'v8', 'v9']);
    expect(window.every((r) => r.valueFormat === 'text')).toBe(true);
    const recent = await consume([topic, '--from', '50m ago']);
    expect(recent.map((r) => r.value).sort()).toEqual(['v11', 'v12', 'v13', 'v14', 'v15', 'v16', 'v17', 'v18', 'v19']);

    // Retention (here DeleteRecords) took the window's start: refused, not silently shortened.
    const admin = kafka.admin();
    await admin.connect();
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] });
    await admin.disconnect();
    const cut = await runCli(['topic', 'consume', topic, '--from', `@${t0}`], env);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain(`is before the log start of ${topic}-0: its oldest record is from ${new Date(t0 + 10 * 60_000).toISOString()} (offset 5)`);
    expect(cut.stderr).toContain('--from earliest');
  });

  it('counts records, not offsets: transaction markers and aborted records are not read (read_committed)', async () => {
    const topic = uniqueName('consume.txn');
    expect((await runCli(['topic', 'create', topic, '--partitions', '1'], env)).code).toBe(0);
    await writeInTransactions(topic, [[{ key: 'a', value: '1' }, { key: 'b', value: '2' }], [{ key: 'c', value: '3' }]], [{ key: 'x', value: 'aborted' }]);
    const committed = await consume([topic]);
    expect(committed.map((r) => r.value)).toEqual(['1', '2', '3']);
    const all = await consume([topic, '--isolation', 'read_uncommitted']);
    expect(all.map((r) => r.value)).toEqual(['1', '2', '3', 'aborted']);
    // The JSON document says the same, with the offsets it read through (markers included).
    const doc = await runCli(['topic', 'consume', topic, '--json'], env);
    const parsed = JSON.parse(doc.stdout);
    expect(parsed.records).toHaveLength(3);
    expect(parsed.summary).toMatchObject({ records: 3, isolation: 'read_committed', interrupted: false });
    expect(Number(parsed.summary.partitions[0].next)).toBe(7); // 4 records + 3 markers
  });

  it('--from -N is the last N records, however many offsets markers and aborted records take', async () => {
    const topic = uniqueName('consume.txn-last');
    expect((await runCli(['topic', 'create', topic, '--partitions', '1'], env)).code).toBe(0);
    // 12 transactions of one record (24 offsets), then an aborted one of 3 records and its marker.
    const batches = Array.from({ length: 12 }, (_, i) => [{ key: `k${i}`, value: String(i) }]);
    await writeInTransactions(topic, batches, ['x', 'y', 'z'].map((v) => ({ key: v, value: v })));
    expect((await consume([topic, '--from', '-3'])).map((r) => r.value)).toEqual(['9', '10', '11']);
    // The first step (the last 10 offsets) holds 3 of them: the walk back doubles until it has 10.
    expect((await consume([topic, '--from', '-10'])).map((r) => r.value)).toEqual(['2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(await consume([topic, '--from', '-100'])).toHaveLength(12);
    expect(await consume([topic, '--from', '-0'])).toHaveLength(0);
    // read_uncommitted counts the aborted records among the last N.
    expect((await consume([topic, '--from', '-4', '--isolation', 'read_uncommitted'])).map((r) => r.value)).toEqual(['11', 'x', 'y', 'z']);
  });

  it('shows a record that does not decode as bytes, with the reason', async () => {
    const topic = uniqueName('consume.bad');
    expect((await runCli(['topic', 'create', topic, '--partitions', '1'], env)).code).toBe(0);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]) }, { key: null, value: Buffer.from([0xff, 0x00, 0xfe]) }] });
    await producer.disconnect();
    const [framed, binary] = await consume([topic]);
    expect(framed).toMatchObject({ valueFormat: 'base64', valueSchemaId: 0x7ffffff0, valueError: `schema id ${0x7ffffff0} is not in the registry` });
    expect(Buffer.from(framed!.value, 'base64')).toEqual(Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]));
    expect(binary).toMatchObject({ key: null, value: '/wD+', valueFormat: 'base64' });
    const hex = await runCli(['topic', 'consume', topic, '--bytes', 'hex', '--format', '%s\\n'], env);
    expect(hex.stdout).toBe('007ffffff0010203\nff00fe\n');
  });

  it('reads batches the Java producer compressed with snappy, lz4 and zstd', async () => {
    const dist = await ensureKafkaDist(process.env.STREAMFLOW_TEST_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION, cacheDir(process.env), () => undefined);
    const payloads = Array.from({ length: 50 }, (_, i) => `payload ${i} ${'compressible '.repeat(10)}`);
    const file = path.join(fs.mkdtempSync(path.join(testStack().homesDir, 'codecs-')), 'payloads.txt');
    fs.writeFileSync(file, payloads.join('\n'));
    await Promise.all(
      ['snappy', 'lz4', 'zstd'].map(async (codec) => {
        const topic = uniqueName(`consume.${codec}`);
        expect((await runCli(['topic', 'create', topic, '--partitions', '1'], env)).code).toBe(0);
        await runKafkaClass(
          dist,
          'org.apache.kafka.tools.ProducerPerformance',
          ['--topic', topic, '--num-records', '400', '--throughput', '-1', '--payload-file', file, '--producer-props', `bootstrap.servers=${testStack().brokers.join(',')}`, `compression.type=${codec}`, 'linger.ms=50'],
          env,
          javaCommand(env),
          90_000,
        );
        const read = await consume([topic]);
        expect(read, codec).toHaveLength(400);
        expect(read.every((r) => payloads.includes(r.value)), codec).toBe(true);
      }),
    );
  }, 120_000);

  it('--follow shows a record produced after it started, and Ctrl-C stops it with the summary', async () => {
    const topic = uniqueName('consume.follow');
    expect((await runCli(['topic', 'create', topic, '--partitions', '2'], env)).code).toBe(0);
    const run = spawnCli(['topic', 'consume', topic, '--from', 'latest', '--follow'], env);
    // Started: it has asked for the (empty) end before the record is sent.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(run.child.exitCode).toBeNull();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'late', value: 'arrived after the start' }] });
    await producer.disconnect();
    expect(await waitFor(async () => run.stdout().includes('arrived after the start'), 20_000, 50), run.output()).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain(`1 record(s) of ${topic}`);
    expect(lines(run.stdout())).toMatchObject([{ key: 'late', value: 'arrived after the start', valueFormat: 'text' }]);
  }, 60_000);

  it('names what is wrong: a missing topic, an offset out of range, a position that is not one', async () => {
    const missing = await runCli(['topic', 'consume', `${orders}x`], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`topic "${orders}x" does not exist`);
    expect(missing.stderr).toContain(`did you mean "${orders}"`);
    const range = await runCli(['topic', 'consume', orders, '--partition', '0', '--from', '100000'], env);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(new RegExp(`offset 100000 is out of range for ${orders.replace(/\./g, '\\.')}-0: its records span offsets 0 to \\d+`));
    const position = await runCli(['topic', 'consume', orders, '--until', 'whenever'], env);
    expect(position.code).toBe(2);
    expect(position.stderr).toContain('--until "whenever" is not a position');
    const partition = await runCli(['topic', 'consume', orders, '--partition', '7'], env);
    expect(partition.code).toBe(2);
    expect(partition.stderr).toContain(`${orders} has no partition 7: it has 3 (0 to 2)`);
  });
});
