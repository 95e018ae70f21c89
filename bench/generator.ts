import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../src/config/paths.js';
import { packageRoot, shippedContractsDir } from '../src/config/package-root.js';
import { requireRegistry, resolveConnection } from '../src/config/resolve-connection.js';
import { registerOrderContractsFor } from '../src/generator/checkout-codec.js';
import { DEFAULT_BATCH_SIZE } from '../src/generator/produce-checkout.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../src/dev/kafka-dist.js';
import { javaCommand } from '../src/dev/tools.js';
import { withTopicAdmin } from '../src/kafka/topic-admin.js';
import { createTopic } from '../src/topics/topic-admin.js';
import { TRAFFIC } from './generator-traffic.js';

const run = promisify(execFile);


/**
 * Our generator (`produce checkout --rate max`, a child process: synthesis, Avro encoding,
 * framing, partitioning, manifest, idempotent acks=all sends) against a bare kafkajs producer
 * with the generator's own producer settings sending the same records encoded up front, rounds
 * alternated (client, ours, ours, client...) so a change of load hits both; plus Kafka's Java
 * ProducerPerformance on the same broker, 12-partition layout and record size.
 */
export async function benchGenerator(args: string[]): Promise<Record<string, unknown>> {
  const records = Number(flag(args, '--records') ?? 200_000);
  const rounds = Number(flag(args, '--rounds') ?? 2);
  const conn = await resolveConnection({}, process.env);
  const bootstrap = conn.brokers.join(',');
  const stamp = Date.now().toString(36);
  const log = (m: string) => process.stderr.write(m + '\n');
  log(`generator benchmark: ${records.toLocaleString('en-US')} records per side and round, ${rounds} rounds, against ${bootstrap}; load average ${loadAverage().join(' ')}`);

  const topics = { ours: `bench.generator.${stamp}`, client: `bench.client.${stamp}`, reference: `bench.reference.${stamp}` };
  for (const name of Object.values(topics)) await createTopic(conn, { name, partitions: 12, replicationFactor: 1, configs: {} });
  try {
    // Producers never auto-register: register the order contracts under the bench topic's subjects.
    const registry = new RegistryClient(requireRegistry(conn));
    await registerOrderContractsFor(registry, shippedContractsDir(), topics.ours);

    const ours: Array<{ recordsPerSec: number; rssMb: number }> = [];
    const client: number[] = [];
    let recordBytes = 0;
    for (let round = 0; round < rounds; round++) {
      const sides = round % 2 === 0 ? (['client', 'ours'] as const) : (['ours', 'client'] as const);
      for (const side of sides) {
        if (side === 'ours') {
          ours.push(await runGenerator(topics.ours, records));
          log(`round ${round + 1} ours:   ${fmt(ours.at(-1)!.recordsPerSec)} records/s, peak RSS ${ours.at(-1)!.rssMb} MB; load ${loadAverage()[0]}`);
        } else {
          const bare = await runBareClient(topics.client, topics.ours, records);
          client.push(bare.recordsPerSec);
          recordBytes = bare.recordBytes;
          log(`round ${round + 1} client: ${fmt(client.at(-1)!)} records/s (bare kafkajs, pre-encoded); load ${loadAverage()[0]}`);
        }
      }
    }
    const oursRate = mean(ours.map((o) => o.recordsPerSec));
    const clientRate = mean(client);

    const dist = await ensureKafkaDist(DEFAULT_KAFKA_VERSION, cacheDir(process.env), log);
    const { stdout } = await runKafkaClass(
      dist,
      'org.apache.kafka.tools.ProducerPerformance',
      ['--topic', topics.reference, '--num-records', String(records), '--record-size', String(recordBytes), '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true', 'linger.ms=5', 'batch.size=65536'],
      process.env,
      javaCommand(process.env),
    );
    const final = stdout.trim().split('\n').pop() ?? '';
    const refRate = Number(final.match(/records sent, ([\d.]+) records\/sec/)?.[1]);
    if (!Number.isFinite(refRate)) throw new Error(`cannot read ProducerPerformance's result from: ${final}`);
    const load = loadAverage();
    const ratio = round3(oursRate / clientRate);
    const referenceRatio = round3(oursRate / refRate);
    log(`ours:      ${fmt(oursRate)} records/s (mean of ${rounds}), ~${recordBytes} bytes/record`);
    log(`client:    ${fmt(clientRate)} records/s (bare kafkajs, same producer settings, ${DEFAULT_BATCH_SIZE}-record sends, mean of ${rounds})`);
    log(`reference: ${fmt(refRate)} records/s (Kafka ProducerPerformance ${dist.version}, record size ${recordBytes} B, acks=all, idempotent)`);
    log(`ratio:     ${(ratio * 100).toFixed(1)}% of the bare client (goal: 90%); ${(referenceRatio * 100).toFixed(1)}% of the Java reference`);
    log(`load average: ${load.join(' ')}`);
    return {
      name: 'generator',
      ours: { recordsPerSec: oursRate, rssMb: Math.max(...ours.map((o) => o.rssMb)), rounds: ours.map((o) => o.recordsPerSec) },
      client: { recordsPerSec: clientRate, rounds: client },
      reference: { recordsPerSec: Math.round(refRate) },
      ratio,
      referenceRatio,
      records,
      recordBytes,
      loadAverage: load,
    };
  } finally {
    await withTopicAdmin(conn, (admin) => admin.deleteTopics(Object.values(topics))).catch((err) => log(`could not delete the bench topics: ${(err as Error).message}`));
  }
}

/** The bare client in a fresh process, like ours: both start with a cold JIT and an empty heap. */
async function runBareClient(topic: string, codecTopic: string, records: number): Promise<{ recordsPerSec: number; recordBytes: number }> {
  const script = path.join(packageRoot(), 'dist', 'bench', 'generator-client.js');
  const { stdout } = await run(process.execPath, ['--expose-gc', script, '--topic', topic, '--codec-topic', codecTopic, '--records', String(records)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as { recordsPerSec: number; recordBytes: number };
}

async function runGenerator(topic: string, records: number): Promise<{ recordsPerSec: number; rssMb: number }> {
  const cli = path.join(packageRoot(), 'bin', 'streamflow');
  const argv = ['produce', 'checkout', '--topic', topic, '--rate', 'max', '--count', String(records), '--seed', String(TRAFFIC.seed), '--users', String(TRAFFIC.users)];
  argv.push('--cancel-share', String(TRAFFIC.cancelShare), '--duplicates', '0', '--poison', '0', '--key', TRAFFIC.keyBy, '--compression', TRAFFIC.compression, '--batch-size', String(DEFAULT_BATCH_SIZE), '--json');
  const summary = JSON.parse((await run(process.execPath, [cli, ...argv], { maxBuffer: 1 << 24 })).stdout) as { ratePerSec: number; peakRssMb: number };
  return { recordsPerSec: Math.round(summary.ratePerSec), rssMb: summary.peakRssMb };
}

const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);
const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
