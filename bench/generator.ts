import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../src/config/paths.js';
import { packageRoot, shippedContractsDir } from '../src/config/package-root.js';
import { requireRegistry, resolveConnection } from '../src/config/resolve-connection.js';
import { registerOrderContractsFor } from '../src/generator/checkout-codec.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../src/dev/kafka-dist.js';
import { javaCommand } from '../src/dev/tools.js';
import { sampleRecordSizes } from '../src/kafka/sample-records.js';
import { createTopic } from '../src/topics/topic-admin.js';

const run = promisify(execFile);

/**
 * Our generator (`produce checkout --rate max`, a child process: full path of encode, frame,
 * partition, idempotent acks=all send) against Kafka's own Java ProducerPerformance on the
 * same broker, the same 12-partition layout and a record size close to ours.
 */
export async function benchGenerator(args: string[]): Promise<Record<string, unknown>> {
  const records = Number(flag(args, '--records') ?? 200_000);
  const conn = await resolveConnection({}, process.env);
  const bootstrap = conn.brokers.join(',');
  const stamp = Date.now().toString(36);
  const log = (m: string) => process.stderr.write(m + '\n');
  log(`generator benchmark: ${records.toLocaleString('en-US')} records per side against ${bootstrap}`);

  const ourTopic = `bench.generator.${stamp}`;
  const refTopic = `bench.reference.${stamp}`;
  for (const name of [ourTopic, refTopic]) await createTopic(conn, { name, partitions: 12, replicationFactor: 1, configs: {} });

  // Producers never auto-register: register the order contracts under the bench topic's subjects.
  const registry = new RegistryClient(requireRegistry(conn));
  await registerOrderContractsFor(registry, shippedContractsDir(), ourTopic);

  const cli = path.join(packageRoot(), 'bin', 'streamflow');
  const ours = JSON.parse(
    (await run(process.execPath, [cli, 'produce', 'checkout', '--topic', ourTopic, '--rate', 'max', '--count', String(records), '--seed', '1', '--json'], { maxBuffer: 1 << 24 })).stdout,
  ) as { ratePerSec: number; peakRssMb: number; sent: number; durationMs: number };
  const avgBytes = await averageRecordBytes(conn, ourTopic);
  log(`ours:      ${Math.round(ours.ratePerSec).toLocaleString('en-US')} records/s, peak RSS ${ours.peakRssMb} MB, ~${avgBytes} bytes/record`);

  const dist = await ensureKafkaDist(DEFAULT_KAFKA_VERSION, cacheDir(process.env), log);
  const { stdout } = await runKafkaClass(
    dist,
    'org.apache.kafka.tools.ProducerPerformance',
    ['--topic', refTopic, '--num-records', String(records), '--record-size', String(avgBytes), '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true', 'linger.ms=5', 'batch.size=65536'],
    process.env,
    javaCommand(process.env),
  );
  const final = stdout.trim().split('\n').pop() ?? '';
  const refRate = Number(final.match(/records sent, ([\d.]+) records\/sec/)?.[1]);
  if (!Number.isFinite(refRate)) throw new Error(`cannot read ProducerPerformance's result from: ${final}`);
  log(`reference: ${Math.round(refRate).toLocaleString('en-US')} records/s (Kafka ProducerPerformance ${dist.version}, record size ${avgBytes} B, acks=all, idempotent)`);
  const ratio = Math.round((ours.ratePerSec / refRate) * 1000) / 1000;
  log(`ratio:     ${(ratio * 100).toFixed(1)}% of the Java reference (goal: 60%)`);
  return { name: 'generator', ours: { recordsPerSec: Math.round(ours.ratePerSec), rssMb: ours.peakRssMb }, reference: { recordsPerSec: Math.round(refRate) }, ratio, records, recordBytes: avgBytes };
}

/** Mean value size of what the generator wrote, so the reference sends records of that size. */
async function averageRecordBytes(conn: Awaited<ReturnType<typeof resolveConnection>>, topic: string): Promise<number> {
  const sizes = await sampleRecordSizes(conn, topic, 2_000);
  return Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length));
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
