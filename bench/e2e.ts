import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Connection, requireRedis, resolveConnection } from '../src/config/resolve-connection.js';
import { type RedisClient, connectRedis } from '../src/runtime/redis-client.js';
import { type StoreFootprint, auditBytes, measureFootprint } from '../src/runtime/store-footprint.js';
import { freePort, sleep } from '../src/dev/processes.js';
import { newRunId } from '../src/generator/run-manifest.js';
import { type ClusterSession, withClusterSession } from '../src/kafka/cluster-session.js';
import { serviceHandlers, serviceTopics } from '../src/runtime/services/index.js';
import { SERVICES, type ServiceName } from '../src/runtime/types.js';
import { logProfile, topSelfTime } from './cpu-profile.js';
import { histogramQuantile, mergeHistograms } from './histogram-quantile.js';
import { flagValue } from './flag-value.js';
import { BenchLeftovers } from './leftovers.js';
import { type Scrape, StreamflowProcess, scrapeService } from './service-process.js';

/** The seed's end-to-end throughput (issue 14), and the goal on this 2-core machine. */
const SEED_ORDERS_PER_SEC = 1_667;
const GOAL_ORDERS_PER_SEC = 5_000;
/** Without progress this long, the run is reported as not drained. */
const STALL_MS = 60_000;

interface Instance {
  service: ServiceName;
  proc: StreamflowProcess;
  port: number;
  last: Scrape | null;
  cpuSec: number;
}

/**
 * `npm run bench -- e2e [--orders N] [--processes P] [--cpu-prof SERVICE]`: a backlog written by
 * the generator (`produce checkout`, one run id) through the four services, each in its own
 * `streamflow consume` process(es) as deployed, timed from the first fetch until every group
 * has drained, then `streamflow verify` of the run. The backlog is written before the services
 * start (with them running, the generator shares the two cores and sets the pace instead), so
 * the groups' first join and rebalances are part of the figure, as in a deployment.
 *
 * The services read the fixed checkout.* topics, which the shared broker also holds older
 * runs on: each run uses fresh consumer groups (`consume --group`), positioned at the end of
 * their topics before the backlog is written, so they read exactly this run (plus whatever
 * someone else writes to checkout.* meanwhile). Verify counts only the run's events.
 */
export async function benchE2e(args: string[]): Promise<Record<string, unknown>> {
  const records = Number(flagValue(args, '--orders') ?? 100_000);
  const processes = Number(flagValue(args, '--processes') ?? 1);
  const profiled = flagValue(args, '--cpu-prof') as ServiceName | undefined;
  if (profiled && !SERVICES.includes(profiled)) throw new Error(`--cpu-prof names a service: ${SERVICES.join(', ')}`);
  const conn = await resolveConnection({}, process.env);
  const log = (m: string) => process.stderr.write(m + '\n');
  const loadAtStart = os.loadavg().map(round2);
  const stamp = Date.now().toString(36);
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `streamflow-bench-e2e-${stamp}-`));
  const leftovers = new BenchLeftovers(conn, log);
  const groupOf = (s: ServiceName) => `bench-e2e-${stamp}-${s}`;
  const instances: Instance[] = [];
  const redis = await connectRedis(requireRedis(conn).url);
  try {
    await positionFreshGroups(conn, groupOf, leftovers);
    const before = await measureFootprint(redis);

    const runId = newRunId();
    log(`e2e benchmark: run ${runId}, ${records.toLocaleString('en-US')} records through ${SERVICES.length} services x ${processes} process(es); logs in ${workDir}`);
    const producer = new StreamflowProcess(['produce', 'checkout', '--count', String(records), '--rate', 'max', '--run-id', runId, '--json'], { logFile: path.join(workDir, 'produce.log') });
    if ((await producer.exited) !== 0) throw new Error(`produce checkout failed: see ${workDir}/produce.log`);
    const produced = JSON.parse(producer.stdout().trim().split('\n').pop()!) as { sent: number; created: number; cancelled: number; ratePerSec: number };
    log(`backlog:   ${produced.sent.toLocaleString('en-US')} records (${produced.created.toLocaleString('en-US')} orders, ${produced.cancelled} cancellations) on checkout.orders at ${produced.ratePerSec.toLocaleString('en-US')}/s`);

    for (const service of SERVICES) {
      for (let i = 0; i < processes; i++) {
        const port = await freePort();
        const nodeFlags = service === profiled && i === 0 ? ['--cpu-prof', '--cpu-prof-dir', workDir] : [];
        const proc = new StreamflowProcess(['consume', '--service', service, '--group', groupOf(service), '--metrics-port', String(port), '--json'], {
          logFile: path.join(workDir, `${service}-${i}.log`),
          nodeFlags,
        });
        instances.push({ service, proc, port, last: null, cpuSec: 0 });
      }
    }
    const timing = await waitUntilDrained(conn, instances, groupOf, log);
    for (const i of instances) i.cpuSec = i.proc.cpuSeconds() ?? i.cpuSec;
    await Promise.all(instances.map((i) => i.proc.stop()));
    const store = await storeGrowth(redis, before, runId, produced.created);

    const seconds = (timing.endAt - timing.startAt) / 1000;
    const services = Object.fromEntries(
      SERVICES.map((s) => {
        const mine = instances.filter((i) => i.service === s);
        const events = sum(mine.map((i) => i.last?.handled ?? 0));
        return [s, { events, eventsPerSec: Math.round(events / seconds), cpuSec: round2(sum(mine.map((i) => i.cpuSec))), batchLatencyMsP99: p99(mine), processes: mine.length }];
      }),
    ) as Record<ServiceName, { events: number; eventsPerSec: number; cpuSec: number; batchLatencyMsP99: number | null; processes: number }>;
    const events = sum(Object.values(services).map((s) => s.events));
    const ordersPerSec = Math.round(produced.created / seconds);

    const verifier = new StreamflowProcess(['verify', '--run', runId, '--json'], { logFile: path.join(workDir, 'verify.log') });
    await verifier.exited;
    const verify = JSON.parse(verifier.stdout().trim().split('\n').pop() ?? 'null') as { ok: boolean; expected: number; services: Record<string, { missing: number; duplicated: number }>; saga: { inconsistent: number } } | null;
    const profile = profiled ? await topSelfTime(workDir) : undefined;

    const loadAverage = os.loadavg().map(round2);
    const result = {
      name: 'e2e',
      runId,
      records: produced.sent,
      orders: produced.created,
      processes,
      drained: timing.drained,
      durationMs: Math.round(seconds * 1000),
      ordersPerSec,
      eventsPerSec: Math.round(events / seconds),
      seedRatio: round2(ordersPerSec / SEED_ORDERS_PER_SEC),
      goalOrdersPerSec: GOAL_ORDERS_PER_SEC,
      batchLatencyMsP99: p99(instances),
      services,
      store,
      verify: verify ? { ok: verify.ok, expected: verify.expected, services: verify.services, sagaInconsistent: verify.saga.inconsistent } : { ok: false, error: `see ${workDir}/verify.log` },
      ...(profile ? { profile: { service: profiled, ...profile } } : {}),
      loadAverage,
      loadAverageAtStart: loadAtStart,
    };
    report(result, profile, log);
    return result;
  } finally {
    await Promise.all(instances.map((i) => i.proc.stop()));
    await leftovers.delete();
    redis.disconnect();
  }
}

/**
 * What the run left in Redis (issue 15: at most 300 B per order across the four services, no
 * key without a TTL above 1,000 members): used_memory before and after, less the run's effect
 * counts for verify (kept for hours, not for the dedup window), per order.
 */
async function storeGrowth(redis: RedisClient, before: StoreFootprint, runId: string, orders: number) {
  const after = await measureFootprint(redis);
  const audit = await auditBytes(redis, SERVICES, runId);
  const grown = after.usedBytes - before.usedBytes;
  return {
    grownBytes: grown,
    bytesPerOrder: Math.round((grown - audit) / orders),
    auditBytesPerOrder: Math.round(audit / orders),
    keys: after.keys,
    keysWithoutTtl: after.keysWithoutTtl,
    largestWithoutTtl: after.largestWithoutTtl,
  };
}

/** Every stage's group of every service committed at the end of its topics, so it reads only what comes next. */
export async function positionFreshGroups(conn: Connection, groupOf: (s: ServiceName) => string, leftovers: BenchLeftovers): Promise<void> {
  await withClusterSession(conn, async ({ groups, offsets }) => {
    for (const [group, topics] of stageGroups(groupOf)) {
      const parts = await offsets.partitions(topics);
      const ranges = await offsets.ranges([...parts].flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition }))));
      await groups.commit(leftovers.group(group), ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.latest })));
    }
  });
}

/** As runServices names them: the main group on the service's topics, one per retry stage. */
export function stageGroups(groupOf: (s: ServiceName) => string): Array<[string, string[]]> {
  return SERVICES.flatMap((s) => {
    const t = serviceTopics(s);
    return [
      [groupOf(s), serviceHandlers[s].topics],
      [`${groupOf(s)}.retry.1`, [t.retries[0]!.topic]],
      [`${groupOf(s)}.retry.2`, [t.retries[1]!.topic]],
    ] as Array<[string, string[]]>;
  });
}

/**
 * Scrape every process until all groups have drained: every partition at most 1 behind (a
 * transaction's commit marker after the last record is never consumed) and no progress for a
 * while. Start: the first commit less its batch latency (≈ the first fetch); end: the last
 * progress seen (scraped every 100 ms).
 */
async function waitUntilDrained(conn: Connection, instances: Instance[], groupOf: (s: ServiceName) => string, log: (m: string) => void) {
  return withClusterSession(conn, async (session) => {
    let startAt = 0;
    let endAt = 0;
    let lastLagCheck = 0;
    for (;;) {
      const now = Date.now();
      for (const i of instances) {
        const s = await scrapeService(i.port);
        if (!s) continue;
        if (s.handled > (i.last?.handled ?? 0)) {
          endAt = now;
          if (!startAt) startAt = now - s.latencyAvgMs;
        }
        i.last = s;
        i.cpuSec = i.proc.cpuSeconds() ?? i.cpuSec; // kept from the last scrape should it exit
      }
      const exited = instances.find((i) => i.proc.child.exitCode !== null);
      if (exited) throw new Error(`${exited.service} exited early (code ${exited.proc.child.exitCode}): see its log`);
      const everyoneWorked = SERVICES.every((s) => instances.some((i) => i.service === s && (i.last?.handled ?? 0) > 0));
      if (everyoneWorked && now - endAt > 1_500 && now - lastLagCheck > 1_000) {
        lastLagCheck = now;
        const lag = await maxPartitionLag(session, groupOf);
        if (lag <= 1) return { startAt, endAt, drained: true };
        log(`waiting: a partition is still ${lag} behind`);
      }
      if (startAt && now - endAt > STALL_MS) return { startAt, endAt, drained: false };
      await sleep(100);
    }
  });
}

async function maxPartitionLag(session: ClusterSession, groupOf: (s: ServiceName) => string): Promise<number> {
  let max = 0;
  for (const [group, topics] of stageGroups(groupOf)) {
    const committed = await session.groups.committed(group, topics);
    const ranges = await session.offsets.ranges(committed.map((c) => ({ topic: c.topic, partition: c.partition })));
    for (const c of committed) {
      const latest = ranges.find((r) => r.topic === c.topic && r.partition === c.partition)!.latest;
      max = Math.max(max, Number(latest - (c.offset ?? 0n)));
    }
  }
  return max;
}

function p99(instances: Instance[]): number | null {
  const q = histogramQuantile(mergeHistograms(instances.map((i) => i.last?.latency ?? [])), 0.99);
  return q === null ? null : Math.round(q);
}

function report(r: { ordersPerSec: number; eventsPerSec: number; seedRatio: number; durationMs: number; orders: number; processes: number; drained: boolean; batchLatencyMsP99: number | null; services: Record<string, { events: number; eventsPerSec: number; cpuSec: number; batchLatencyMsP99: number | null }>; store: Awaited<ReturnType<typeof storeGrowth>>; verify: { ok: boolean }; loadAverage: number[]; loadAverageAtStart: number[] }, profile: Awaited<ReturnType<typeof topSelfTime>> | undefined, log: (m: string) => void): void {
  for (const [s, v] of Object.entries(r.services)) {
    log(`${s.padEnd(13)} ${v.events.toLocaleString('en-US').padStart(9)} events  ${v.eventsPerSec.toLocaleString('en-US').padStart(7)}/s  CPU ${v.cpuSec.toFixed(1).padStart(5)} s  batch p99 ${v.batchLatencyMsP99 ?? '-'} ms`);
  }
  log(
    `e2e:       ${r.ordersPerSec.toLocaleString('en-US')} orders/s, ${r.eventsPerSec.toLocaleString('en-US')} events/s (${r.orders.toLocaleString('en-US')} orders in ${(r.durationMs / 1000).toFixed(1)} s, ${r.processes} process(es) per service${r.drained ? '' : ', NOT drained'}); batch p99 ${r.batchLatencyMsP99 ?? '-'} ms`,
  );
  log(`ratio:     ${r.seedRatio}x the seed's ${SEED_ORDERS_PER_SEC.toLocaleString('en-US')} orders/s (goal: ${GOAL_ORDERS_PER_SEC.toLocaleString('en-US')} orders/s); verify ${r.verify.ok ? 'OK' : 'FAILED'}; load average ${r.loadAverageAtStart.join(' ')} at start, ${r.loadAverage.join(' ')} at end`);
  const w = r.store.largestWithoutTtl;
  log(
    `store:     ${r.store.bytesPerOrder} B per order across the services (goal: at most 300), + ${r.store.auditBytesPerOrder} B per order of effect counts for verify (kept for hours); ${r.store.keysWithoutTtl} keys without a TTL${w ? `, the largest ${w.key} (${w.type}, ${w.members} members)` : ''}`,
  );
  if (profile) logProfile(profile, log);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round2 = (n: number) => Math.round(n * 100) / 100;
