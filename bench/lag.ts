import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from '../src/config/paths.js';
import { packageRoot } from '../src/config/package-root.js';
import { requireBrokers, resolveConnection } from '../src/config/resolve-connection.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../src/dev/kafka-dist.js';
import { javaCommand } from '../src/dev/tools.js';
import { createKafka } from '../src/kafka/client.js';
import { withClusterSession } from '../src/kafka/cluster-session.js';
import { NextRecordCache, fetchLagSnapshot } from '../src/lag/fetch-lag-snapshot.js';
import { withKafkaRetry } from '../src/kafka/kafka-retry.js';
import { waitForTopicLeaders } from '../src/kafka/topic-readiness.js';
import { flagValue } from './flag-value.js';
import { BenchLeftovers } from './leftovers.js';

/** The broker goes on writing new partitions' files after the seeding: the timings start this much later. */
const SETTLE_MS = 30_000;

/**
 * A lag snapshot of many partitions (default: 100 topics of 100 partitions, 20 groups of 5
 * topics each, every partition lagging, so every one needs its time lag read): our snapshot
 * in-process and `streamflow lag --json` as a command, beside Kafka's own kafka-consumer-groups --describe of
 * the same groups (records only, no time lag), all in one run. Goal: a snapshot under 1 s.
 */
export async function benchLag(args: string[]): Promise<Record<string, unknown>> {
  const topics = Number(flagValue(args, '--topics') ?? 100);
  const partitions = Number(flagValue(args, '--partitions') ?? 100);
  const groupCount = Number(flagValue(args, '--groups') ?? 20);
  const snapshots = Number(flagValue(args, '--snapshots') ?? 5);
  const conn = await resolveConnection({}, process.env);
  const log = (m: string) => process.stderr.write(m + '\n');
  const loadAtStart = os.loadavg().map(round2);
  const stamp = Date.now().toString(36);
  const leftovers = new BenchLeftovers(conn, log);
  const names = Array.from({ length: topics }, (_, i) => leftovers.topic(`bench.lag.${stamp}.t${String(i).padStart(3, '0')}`));
  const groups = Array.from({ length: groupCount }, (_, i) => leftovers.group(`bench-lag-${stamp}-g${String(i).padStart(2, '0')}`));
  try {
    log(`lag benchmark: ${topics} topics x ${partitions} partitions, ${groupCount} groups, every partition lagging`);
    await seed(conn, names, partitions, groups, log);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const loadAtMeasure = os.loadavg().map(round2);

    // The first snapshot of a process, then fresh ones (every position read, as when all
    // groups moved since the last poll) and cached ones (as a watch, `lag serve` or the
    // dashboard take them of groups that did not move), alternated.
    const timings = { first: 0, uncached: [] as number[], cached: [] as number[] };
    let rows = 0;
    await withClusterSession(conn, async (session) => {
      const cache = new NextRecordCache();
      const snapshot = async (c: NextRecordCache) => {
        const t0 = performance.now();
        const samples = await fetchLagSnapshot(session, { groups }, c);
        const ms = performance.now() - t0;
        rows = samples.reduce((n, s) => n + s.partitions.length, 0);
        const unknown = samples.reduce((n, s) => n + s.partitions.filter((p) => p.nextRecordTimestamp === null).length, 0);
        if (unknown > 0) throw new Error(`${unknown} of ${rows} partitions came back without a time lag`);
        return ms;
      };
      timings.first = await snapshot(cache);
      for (let i = 0; i < snapshots; i++) {
        timings.uncached.push(await snapshot(new NextRecordCache()));
        timings.cached.push(await snapshot(cache));
      }
    });
    const cli = path.join(packageRoot(), 'bin', 'streamflow');
    const commandMs = wallMs(() => execFileSync(process.execPath, [cli, 'lag', ...groups.flatMap((g) => ['--group', g]), '--json'], { env: process.env, maxBuffer: 1 << 28 }));

    const dist = await ensureKafkaDist(DEFAULT_KAFKA_VERSION, cacheDir(process.env), log);
    const t0 = performance.now();
    const { stdout } = await runKafkaClass(
      dist,
      'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
      ['--bootstrap-server', requireBrokers(conn).join(','), '--describe', ...groups.flatMap((g) => ['--group', g])],
      process.env,
      javaCommand(process.env),
      300_000,
    );
    const kafkaToolMs = performance.now() - t0;
    const kafkaRows = stdout.split('\n').filter((l) => l.startsWith('bench-lag-')).length;

    const result = {
      name: 'lag',
      topics,
      partitions: topics * partitions,
      groups: groupCount,
      rows,
      firstSnapshotMs: round2(timings.first),
      snapshotMs: round2(median(timings.uncached)),
      cachedSnapshotMs: round2(median(timings.cached)),
      commandMs: round2(commandMs),
      kafkaConsumerGroupsMs: round2(kafkaToolMs),
      kafkaConsumerGroupsRows: kafkaRows,
      goalMs: 1000,
      loadAverage: { start: loadAtStart, measureStart: loadAtMeasure, end: os.loadavg().map(round2) },
    };
    log(
      `snapshot of ${rows.toLocaleString('en-US')} lagging group partitions: ${result.snapshotMs} ms (median of ${snapshots}; goal under 1,000 ms), the process's first ${result.firstSnapshotMs} ms, ` +
        `${result.cachedSnapshotMs} ms with the positions known from the last one; ` +
        `\`streamflow lag --json\` ${result.commandMs} ms as a command; kafka-consumer-groups --describe ${result.kafkaConsumerGroupsMs} ms (${kafkaRows} rows, no time lag); ` +
        `load average ${result.loadAverage.start.join(' ')} at start, ${result.loadAverage.measureStart.join(' ')} as the timings began, ${result.loadAverage.end.join(' ')} at end`,
    );
    return result;
  } finally {
    await leftovers.delete();
  }
}

/** Topics with 10 records in each partition, and each group's commits at offset 5 on its share of the topics. */
async function seed(conn: Awaited<ReturnType<typeof resolveConnection>>, topics: string[], partitions: number, groups: string[], log: (m: string) => void) {
  const kafka = createKafka(conn, { clientId: 'bench-lag' });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    for (let i = 0; i < topics.length; i += 20) {
      await admin.createTopics({ topics: topics.slice(i, i + 20).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), timeout: 120_000, waitForLeaders: false });
    }
    // kafkajs' own wait gives up on the first UNKNOWN_TOPIC_OR_PARTITION of a topic still being created.
    await waitForTopicLeaders(admin, topics, 120_000);
    log(`created ${topics.length} topics`);
    const value = Buffer.alloc(100, 'x');
    for (let i = 0; i < topics.length; i += 10) {
      const topicMessages = topics.slice(i, i + 10).map((topic) => ({ topic, messages: Array.from({ length: partitions * 10 }, (_, n) => ({ partition: n % partitions, value })) }));
      await withKafkaRetry(() => producer.sendBatch({ acks: 1, topicMessages }), { unknownTopicIsTransient: true, budgetMs: 60_000 });
    }
    log(`produced ${(topics.length * partitions * 10).toLocaleString('en-US')} records`);
    // One OffsetCommit per group: kafkajs' admin.setOffsets takes seconds per topic.
    const perGroup = Math.ceil(topics.length / groups.length);
    await withClusterSession(conn, (session) =>
      Promise.all(groups.map((group, g) => session.groups.commit(group, topics.slice(g * perGroup, (g + 1) * perGroup).flatMap((topic) => Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 5n })))))),
    );
    log(`committed offset 5 for ${groups.length} groups`);
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

function wallMs(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
