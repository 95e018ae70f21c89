import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/config/paths.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist } from '../../src/dev/kafka-dist.js';
import { createKafka } from '../../src/kafka/client.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { runCli, testConnection, testStack, uniqueName } from './helpers.js';

/**
 * Cross-checks `partition` against Kafka's own Java client, compiled from
 * test/fixtures/java/PartitionOf.java against the cached Kafka jars, on keys no test has
 * seen before (fresh random keys every run).
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/java/PartitionOf.java', import.meta.url));
const COUNTS = [1, 2, 3, 7, 12, 16, 24, 100, 1000, 2 ** 31 - 1];

let workDir: string;
let classpath: string;

beforeAll(async () => {
  const dist = await ensureKafkaDist(kafkaVersionUnderTest().kafkaVersion ?? DEFAULT_KAFKA_VERSION, cacheDir(process.env), () => undefined);
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-java-'));
  const javac = spawnSync('javac', ['-cp', dist.classpath, '-d', workDir, FIXTURE], { encoding: 'utf8' });
  if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr || javac.error?.message}`);
  classpath = `${workDir}${path.delimiter}${dist.classpath}`;
});

afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

/** Run the fixture with `keys` on stdin; one output line per key. */
function java(args: string[], keys: string[]): string[] {
  const run = spawnSync('java', ['-cp', classpath, '-Dlog4j2.level=WARN', 'PartitionOf', ...args], { input: keys.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`PartitionOf ${args.join(' ')} failed: ${run.stderr}`);
  const lines = run.stdout.split('\n').slice(0, -1);
  expect(lines).toHaveLength(keys.length);
  return lines;
}

/** UUIDs, ASCII and every UTF-8 width (1-4 bytes) at random lengths; never a line break. */
function freshKeys(count: number): string[] {
  const ranges = [
    [0x20, 0x7e],
    [0xa0, 0x7ff],
    [0x800, 0xd7ff],
    [0xe000, 0xfffd],
    [0x10000, 0x10ffff],
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    if (i % 3 === 0) return crypto.randomUUID();
    const length = crypto.randomInt(1, 41);
    const ascii = i % 3 === 1;
    return Array.from({ length }, () => {
      const [lo, hi] = ascii ? ranges[0] : ranges[crypto.randomInt(ranges.length)]!;
      return String.fromCodePoint(crypto.randomInt(lo, hi + 1));
    }).join('');
  });
}

async function writeKeys(keys: string[]): Promise<string> {
  const file = path.join(workDir, `${uniqueName('keys')}.txt`);
  await fs.writeFile(file, keys.join('\n') + '\n');
  return file;
}

describe("partition agrees with Kafka's Java client", () => {
  it('matches BuiltInPartitioner.partitionForKey on 5,000 fresh random keys for every partition count', async () => {
    const keys = freshKeys(5_000);
    const file = await writeKeys(keys);
    const expected = java(COUNTS.map(String), keys).map((line) => line.split(' ').map(Number));
    for (const [i, count] of COUNTS.entries()) {
      const run = await runCli(['partition', '--keys-file', file, '--partitions', String(count), '--json']);
      expect(run.code, run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout) as { partitions: number; results: Array<{ key: string; partition: number }> };
      expect(doc.partitions).toBe(count);
      expect(doc.results.map((r) => r.key)).toEqual(keys);
      const mismatches = doc.results.filter((r, k) => r.partition !== expected[k]![i]);
      expect(mismatches, `partitions=${count}`).toEqual([]);
    }
  });

  it('puts records where `partition --topic` says, whether a Java KafkaProducer or kafkajs wrote them', async () => {
    const topic = uniqueName('placement');
    expect((await runCli(['topic', 'create', topic, '--partitions', '12'])).code).toBe(0);
    const [javaKeys, kafkajsKeys] = [freshKeys(300), freshKeys(300)];

    // The real Java producer, default settings: where the broker acknowledged each record.
    const javaPartitions = java(['--produce', testStack().brokers.join(','), topic], javaKeys).map(Number);

    // kafkajs with its default partitioner, through src/kafka's client; read back to see where each landed.
    const kafka = createKafka(testConnection());
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: kafkajsKeys.map((key) => ({ key, value: 'kafkajs' })) });
    await producer.disconnect();
    const landed = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: uniqueName('g') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      let seen = 0;
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          if (message.value!.toString() === 'kafkajs') landed.set(message.key!.toString(), partition);
          if (++seen === javaKeys.length + kafkajsKeys.length) resolve();
        },
      });
    });
    await consumer.disconnect();

    const predict = async (keys: string[]) => {
      const run = await runCli(['partition', '--keys-file', await writeKeys(keys), '--topic', topic, '--json']);
      expect(run.code, run.stderr).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc).toMatchObject({ topic, partitions: 12 });
      return (doc.results as Array<{ partition: number }>).map((r) => r.partition);
    };
    expect(await predict(javaKeys)).toEqual(javaPartitions);
    expect(await predict(kafkajsKeys)).toEqual(kafkajsKeys.map((k) => landed.get(k)));

    // And `describe` counts the same records per partition.
    const predicted = new Array<number>(12).fill(0);
    for (const p of [...javaPartitions, ...kafkajsKeys.map((k) => landed.get(k)!)]) predicted[p]!++;
    const describe = JSON.parse((await runCli(['topic', 'describe', topic, '--json'])).stdout);
    expect(describe.partitions.map((p: { records: number }) => p.records)).toEqual(predicted);
  });
});
