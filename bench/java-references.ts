import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../src/config/package-root.js';
import { type KafkaDist, ensureKafkaStreams, runKafkaClass } from '../src/dev/kafka-dist.js';
import { pathExists } from '../src/dev/path-exists.js';
import { javaCommand, runTool } from '../src/dev/tools.js';

export interface CopyJob {
  bootstrap: string;
  input: string;
  output: string;
  /** Consumer group (the Streams application id). */
  group: string;
  records: number;
}

/**
 * Kafka's TransactionalMessageCopier (kafka-tools) over the whole topic (group mode): one
 * thread, one transaction of `transactionSize` records at a time. Records/s between its first
 * and last progress line (each printed after a commit), so the JVM's start does not count.
 */
export async function runTransactionalCopier(dist: KafkaDist, job: CopyJob, transactionSize: number, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await runKafkaClass(
    dist,
    'org.apache.kafka.tools.TransactionalMessageCopier',
    ['--broker-list', job.bootstrap, '--input-topic', job.input, '--input-partition', '0', '--group-mode', '--output-topic', job.output,
      '--transactional-id', job.group, '--consumer-group', job.group, '--max-messages', String(job.records), '--transaction-size', String(transactionSize)],
    env,
    javaCommand(env),
    300_000,
  );
  const progress = stdout.split('\n').filter((l) => l.includes('"ProcessLoop"')).map((l) => JSON.parse(l) as { time: string; totalProcessed: number });
  const first = progress[0];
  const last = progress.at(-1);
  if (!first || !last || last === first) throw new Error(`too few progress lines from TransactionalMessageCopier (raise --records): ${stdout.slice(0, 500)}`);
  return (last.totalProcessed - first.totalProcessed) / ((copierTime(last.time) - copierTime(first.time)) / 1000);
}

/** Its "yyyy/MM/dd HH:mm:ss:SSS" timestamps, in local time. */
function copierTime(text: string): number {
  const [y, mo, d, h, mi, s, ms] = text.split(/[/ :]/).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

/**
 * A Kafka Streams pass-through with processing.guarantee=exactly_once_v2 (bench/java/
 * StreamsPassThrough.java, compiled here against kafka-streams at the Kafka version in use):
 * the real bar for exactly-once throughput. `threads` stream threads, so as many partitions
 * in flight as the runtime has.
 */
export async function runStreamsReference(dist: KafkaDist, cache: string, job: CopyJob, threads: number, env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<number> {
  const streams = await ensureKafkaStreams(dist.version, cache, log);
  const classes = await compileStreamsPassThrough(dist, streams, cache, env);
  const { stdout } = await runKafkaClass(
    { ...dist, classpath: [classes, streams, dist.classpath].join(path.delimiter) },
    'StreamsPassThrough',
    [job.bootstrap, job.input, job.output, job.group, String(job.records), String(threads)],
    env,
    javaCommand(env),
    300_000,
  );
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { recordsPerSec: number };
  return result.recordsPerSec;
}

/** javac once per source and Kafka version; the classes live in the cache. */
async function compileStreamsPassThrough(dist: KafkaDist, streams: string, cache: string, env: NodeJS.ProcessEnv): Promise<string> {
  const source = path.join(packageRoot(), 'bench', 'java', 'StreamsPassThrough.java');
  const hash = createHash('sha256').update(await fs.readFile(source)).digest('hex').slice(0, 12);
  const out = path.join(cache, 'kafka-streams', dist.version, `classes-${hash}`);
  if (await pathExists(path.join(out, 'StreamsPassThrough.class'))) return out;
  await fs.mkdir(out, { recursive: true });
  const javac = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'javac') : 'javac';
  await runTool(javac, ['-cp', [streams, dist.classpath].join(path.delimiter), '-d', out, source], { env, install: 'install a JDK 17+: apt-get install openjdk-17-jdk-headless' });
  return out;
}
