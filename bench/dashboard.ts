import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDuration } from '../src/cli/flag-values.js';
import { packageRoot } from '../src/config/package-root.js';
import { type Connection, resolveConnection } from '../src/config/resolve-connection.js';
import { createKafka } from '../src/kafka/client.js';
import { withClusterSession } from '../src/kafka/cluster-session.js';
import { withKafkaRetry } from '../src/kafka/kafka-retry.js';
import { waitForTopicLeaders } from '../src/kafka/topic-readiness.js';
import { type CpuProfileSummary, logProfile, topSelfTime } from './cpu-profile.js';
import { flagValue } from './flag-value.js';
import { BenchLeftovers } from './leftovers.js';

const PARTITIONS_PER_TOPIC = 100;
const WARM_UP_MS = 5_000;

/**
 * The real dashboard in a pseudo-terminal (tmux, 200x50) on a cluster of many partitions and
 * groups (default: 10,000 partitions in topics of 100, 200 groups with committed offsets, every
 * partition one record behind), refreshing at --refresh on --view for --seconds: its CPU share
 * (CPU seconds over wall seconds, 1.0 = one core), its peak RSS and its frame times (from the
 * STREAMFLOW_FRAME_LOG hook), beside `streamflow lag --json` of the same groups, the data of
 * one refresh through the CLI. Goal (issue 21): under 10% of a core, frames under 50 ms.
 * --cpu-prof profiles the dashboard (start-up included) and prints its top self time;
 * --node-flags '...' runs it under those Node/V8 flags (to try a GC setting, say).
 */
export async function benchDashboard(args: string[]): Promise<Record<string, unknown>> {
  const partitions = Number(flagValue(args, '--partitions') ?? 10_000);
  const groupCount = Number(flagValue(args, '--groups') ?? 200);
  const seconds = Number(flagValue(args, '--seconds') ?? 60);
  const refresh = flagValue(args, '--refresh') ?? '1s';
  const refreshMs = parseDuration(refresh, '--refresh');
  const view = flagValue(args, '--view') ?? 'groups';
  const runs = Number(flagValue(args, '--runs') ?? 3);
  const profiled = args.includes('--cpu-prof');
  const extraFlags = flagValue(args, '--node-flags')?.split(/\s+/).filter(Boolean) ?? [];
  // The broker goes on writing new partitions' files after the seeding (see bench/lag.ts).
  const settleMs = Number(flagValue(args, '--settle') ?? (partitions >= 5_000 ? 30 : 10)) * 1000;
  if (!(tmuxVersion() ?? '')) throw new Error('the dashboard benchmark runs the dashboard under tmux: install it with `apt-get install tmux`');

  const env = process.env;
  const conn = await resolveConnection({}, env);
  const log = (m: string) => process.stderr.write(m + '\n');
  const loadAtStart = os.loadavg().map(round2);
  const stamp = Date.now().toString(36);
  const leftovers = new BenchLeftovers(conn, log);
  const topicCount = Math.ceil(partitions / PARTITIONS_PER_TOPIC);
  const topics = Array.from({ length: topicCount }, (_, i) => ({
    name: leftovers.topic(`bench.dash.${stamp}.t${String(i).padStart(3, '0')}`),
    partitions: Math.min(PARTITIONS_PER_TOPIC, partitions - i * PARTITIONS_PER_TOPIC),
  }));
  const groups = Array.from({ length: groupCount }, (_, i) => leftovers.group(`bench.dash.${stamp}.g${String(i).padStart(3, '0')}`));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-bench-dashboard-'));
  const socket = `streamflow-bench-dash-${stamp}`;
  const cli = path.join(packageRoot(), 'bin', 'streamflow');

  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
      // kill-server leaves the socket file behind.
      fs.rmSync(path.join(env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
      fs.rmSync(work, { recursive: true, force: true });
      await leftovers.delete();
    })());
  const onSignal = () => {
    log('interrupted: cleaning up...');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log(`dashboard benchmark: ${topicCount} topics, ${partitions.toLocaleString('en-US')} partitions, ${groupCount} groups, ${view} view at ${refresh} for ${seconds} s`);
    await seed(conn, topics, groups, log);
    log(`letting the broker settle for ${settleMs / 1000} s...`);
    await sleep(settleMs);

    // The reference: one refresh's data through the CLI. A reaped child's CPU shows in our cutime+cstime.
    const lagRuns: Array<{ wallMs: number; cpuMs: number }> = [];
    for (let i = 0; i < runs; i++) {
      const cpu0 = childCpuMs();
      const t0 = performance.now();
      const out = execFileSync(process.execPath, [cli, 'lag', ...groups.flatMap((g) => ['--group', g]), '--json'], { env, maxBuffer: 1 << 28 });
      lagRuns.push({ wallMs: performance.now() - t0, cpuMs: childCpuMs() - cpu0 });
      const rows = (JSON.parse(out.toString()) as { groups: Array<{ partitions: unknown[] }> }).groups.reduce((n, g) => n + g.partitions.length, 0);
      if (i === 0) log(`\`streamflow lag --json\` of the ${groupCount} groups: ${rows.toLocaleString('en-US')} partition rows`);
    }
    log(`\`streamflow lag --json\`: ${lagRuns.map((r) => `${Math.round(r.wallMs)} ms (CPU ${Math.round(r.cpuMs)} ms)`).join(', ')} (load ${os.loadavg().map(round2).join(' ')})`);

    // The dashboard, as an operator runs it, in a tmux server of our own (it inherits our environment).
    const frameLog = path.join(work, 'frames.log');
    const stderrFile = path.join(work, 'dashboard.stderr');
    const nodeFlags = [...(profiled ? ['--cpu-prof', '--cpu-prof-dir', work] : []), ...extraFlags].map((f) => `${shellQuote(f)} `).join('');
    const command = `exec ${shellQuote(process.execPath)} ${nodeFlags}${shellQuote(cli)} dashboard --refresh ${shellQuote(refresh)} --view ${shellQuote(view)} 2>${shellQuote(stderrFile)}`;
    tmux(socket, ['new-session', '-d', '-s', 'dash', '-x', '200', '-y', '50', command], { ...env, STREAMFLOW_FRAME_LOG: frameLog });
    const pid = await dashboardPid(Number(tmux(socket, ['list-panes', '-t', 'dash', '-F', '#{pane_pid}']).trim()));
    log(`dashboard running as pid ${pid}; waiting for its first frame of the ${view} view...`);
    const started = performance.now();
    while (frames(frameLog).length === 0) {
      if (!alive(pid)) throw new Error(`the dashboard exited: ${readIfExists(stderrFile).slice(-1000)}`);
      if (performance.now() - started > 120_000) throw new Error('no frame from the dashboard in 120 s');
      await sleep(100);
    }
    // Until the groups are on screen (the first snapshot of a big cluster takes a while), then the warm-up.
    const marker = `bench.dash.${stamp}.`;
    while (view === 'groups' && !tmux(socket, ['capture-pane', '-p', '-t', 'dash']).includes(marker) && performance.now() - started < 120_000) await sleep(250);
    const firstDataMs = performance.now() - started;
    await sleep(WARM_UP_MS);

    const loadAtMeasure = os.loadavg().map(round2);
    const framesBefore = frames(frameLog).length;
    const cpu0 = processCpuTicks(pid);
    const threads0 = threadCpuTicks(pid);
    const t0 = performance.now();
    let rssKb = vmRssKb(pid);
    log(`measuring for ${seconds} s (groups on screen after ${Math.round(firstDataMs)} ms; load ${loadAtMeasure.join(' ')})...`);
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(Math.min(1000, seconds * 1000 - (performance.now() - t0)));
      if (!alive(pid)) throw new Error(`the dashboard exited while measured: ${readIfExists(stderrFile).slice(-1000)}`);
      rssKb = Math.max(rssKb, vmRssKb(pid));
    }
    const cpuTicks = processCpuTicks(pid) - cpu0;
    const wallS = (performance.now() - t0) / 1000;
    const threadShares = shareByThread(pid, threads0, threadCpuTicks(pid), wallS);
    const measured = frames(frameLog).slice(framesBefore);
    const screenText = tmux(socket, ['capture-pane', '-p', '-t', 'dash']);
    tmux(socket, ['send-keys', '-t', 'dash', 'q']);
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    // Kept beside the work directory (removed below) for a closer look, e.g. in Chrome's DevTools.
    const profile = profiled ? await keptProfile(await topSelfTime(work), `streamflow-bench-dashboard-${stamp}.cpuprofile`) : undefined;

    const frameMs = measured.map((f) => f.ms).sort((a, b) => a - b);
    const drawn = measured.filter((f) => f.bytes > 0);
    const lagWall = median(lagRuns.map((r) => r.wallMs));
    const lagCpu = median(lagRuns.map((r) => r.cpuMs));
    const result = {
      name: 'dashboard',
      partitions,
      groups: groupCount,
      seconds,
      refreshMs,
      view,
      ...(extraFlags.length > 0 ? { nodeFlags: extraFlags } : {}),
      cpuShare: round4(cpuTicks / clockTicks() / wallS),
      /** The CPU share of the JavaScript thread (main) and of the others (V8's GC and compiler helpers, libuv's pool), which Node names alike. */
      cpuShareByThread: threadShares,
      rssMb: round2(rssKb / 1024),
      frames: measured.length,
      framesWritten: drawn.length,
      frameP50Ms: round2(quantile(frameMs, 0.5)),
      frameP99Ms: round2(quantile(frameMs, 0.99)),
      frameMaxMs: round2(frameMs.at(-1) ?? 0),
      firstDataMs: Math.round(firstDataMs),
      lagJsonMs: Math.round(lagWall),
      lagJsonCpuMs: Math.round(lagCpu),
      lagJsonRuns: runs,
      goal: { cpuShare: 0.1, frameMs: 50 },
      loadAverage: os.loadavg().map(round2),
      loadAverageAt: { start: loadAtStart, measureStart: loadAtMeasure },
      cpus: os.cpus().length,
      ...(profile ? { profile } : {}),
    };
    if (!screenText.includes(marker) && view === 'groups') log(`note: no ${marker}* group was visible on the last screen`);
    log(
      `dashboard (${view} view, refresh ${refresh}) on ${partitions.toLocaleString('en-US')} partitions and ${groupCount} groups, over ${seconds} s: ` +
        `CPU ${(result.cpuShare * 100).toFixed(1)}% of a core (goal under 10%; ${Object.entries(threadShares).map(([t, x]) => `${t} ${(x * 100).toFixed(1)}%`).join(', ')}), RSS peak ${result.rssMb} MB, ` +
        `${measured.length} frames (${drawn.length} with changes) p50 ${result.frameP50Ms} ms, p99 ${result.frameP99Ms} ms, max ${result.frameMaxMs} ms (goal under 50 ms); ` +
        `first groups on screen after ${result.firstDataMs} ms; ` +
        `beside \`streamflow lag --json\` of the same groups: ${result.lagJsonMs} ms wall, ${result.lagJsonCpuMs} ms CPU (medians of ${runs}); ` +
        `load average ${loadAtStart.join(' ')} at start, ${loadAtMeasure.join(' ')} as measuring began, ${result.loadAverage.join(' ')} at end (${result.cpus} CPUs)`,
    );
    if (profile) logProfile(profile, log);
    return result;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function keptProfile(profile: CpuProfileSummary, name: string): Promise<CpuProfileSummary> {
  const kept = path.join(os.tmpdir(), name);
  fs.copyFileSync(profile.file, kept);
  return { ...profile, file: kept };
}

/** Topics with one record in each partition; each group commits offset 0 (one record behind) on its share of the topics. */
async function seed(conn: Connection, topics: Array<{ name: string; partitions: number }>, groups: string[], log: (m: string) => void) {
  const kafka = createKafka(conn, { clientId: 'bench-dashboard' });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    for (let i = 0; i < topics.length; i += 20) {
      await admin.createTopics({ topics: topics.slice(i, i + 20).map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })), timeout: 120_000, waitForLeaders: false });
    }
    await waitForTopicLeaders(admin, topics.map((t) => t.name), 120_000);
    log(`created ${topics.length} topics`);
    const value = Buffer.alloc(100, 'x');
    for (let i = 0; i < topics.length; i += 10) {
      const topicMessages = topics.slice(i, i + 10).map((t) => ({ topic: t.name, messages: Array.from({ length: t.partitions }, (_, partition) => ({ partition, value })) }));
      await withKafkaRetry(() => producer.sendBatch({ acks: 1, topicMessages }), { unknownTopicIsTransient: true, budgetMs: 60_000 });
    }
    log(`produced one record to each of ${topics.reduce((n, t) => n + t.partitions, 0).toLocaleString('en-US')} partitions`);
    // Groups outnumbering topics share them; topics outnumbering groups are split among them.
    const perGroup = Math.max(1, Math.ceil(topics.length / groups.length));
    const share = (g: number) => Array.from({ length: perGroup }, (_, k) => topics[(g * perGroup + k) % topics.length]!).filter((t, k, all) => all.indexOf(t) === k);
    await withClusterSession(conn, async (session) => {
      for (let i = 0; i < groups.length; i += 20) {
        await Promise.all(
          groups.slice(i, i + 20).map((group, j) => session.groups.commit(group, share(i + j).flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition, offset: 0n }))))),
        );
      }
    });
    log(`committed offset 0 for ${groups.length} groups (${perGroup} topic${perGroup === 1 ? '' : 's'} each)`);
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

function tmuxVersion(): string | undefined {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function tmux(socket: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('tmux', ['-L', socket, ...args], { env, encoding: 'utf8' });
}

/** The node process in the pane: the pane's shell execs it, which may not have happened yet. */
async function dashboardPid(panePid: number): Promise<number> {
  for (const started = performance.now(); performance.now() - started < 10_000; await sleep(50)) {
    const queue = [panePid];
    while (queue.length) {
      const pid = queue.shift()!;
      if (readIfExists(`/proc/${pid}/comm`).trim() === 'node') return pid;
      queue.push(...children(pid));
    }
  }
  throw new Error(`no node process under tmux pane process ${panePid}`);
}

function children(pid: number): number[] {
  return readIfExists(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Fields of /proc/PID/stat after the parenthesised command name (field 3 first). */
function statFields(pid: number | 'self'): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime, in clock ticks. */
function processCpuTicks(pid: number): number {
  const f = statFields(pid);
  return Number(f[11]) + Number(f[12]);
}

/** utime + stime of each thread, in clock ticks, by thread id, with the thread's name (the main thread's split into user and system time). */
function threadCpuTicks(pid: number): Map<string, { name: string; ticks: number }> {
  const out = new Map<string, { name: string; ticks: number }>();
  const mainStat = readIfExists(`/proc/${pid}/task/${pid}/stat`);
  const main = mainStat.slice(mainStat.lastIndexOf(')') + 2).split(' ');
  out.set('main user', { name: 'main user', ticks: Number(main[11]) });
  out.set('main system', { name: 'main system', ticks: Number(main[12]) });
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = readIfExists(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    if (tid === String(pid)) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(tid, { name: readIfExists(`/proc/${pid}/task/${tid}/comm`).trim(), ticks: Number(f[11]) + Number(f[12]) });
  }
  return out;
}

/** CPU share of the main thread and of the others by name (summed) between two readings, largest first; those under 0.1% left out. */
function shareByThread(pid: number, before: Map<string, { ticks: number }>, after: Map<string, { name: string; ticks: number }>, wallS: number): Record<string, number> {
  const byName = new Map<string, number>();
  for (const [tid, t] of after) {
    const name = tid.startsWith('main') ? tid : `other ${t.name}`;
    byName.set(name, (byName.get(name) ?? 0) + t.ticks - (before.get(tid)?.ticks ?? 0));
  }
  return Object.fromEntries(
    [...byName]
      .map(([name, ticks]) => [name, round4(ticks / clockTicks() / wallS)] as const)
      .filter(([, share]) => share >= 0.001)
      .sort((a, b) => b[1] - a[1]),
  );
}

/** cutime + cstime of this process: the CPU of the children it reaped, in ms. */
function childCpuMs(): number {
  const f = statFields('self');
  return ((Number(f[13]) + Number(f[14])) / clockTicks()) * 1000;
}

let ticks: number | undefined;
function clockTicks(): number {
  return (ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);
}

function vmRssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readIfExists(`/proc/${pid}/status`));
  return m ? Number(m[1]) : 0;
}

function alive(pid: number): boolean {
  const stat = readIfExists(`/proc/${pid}/stat`);
  return stat !== '' && statFields(pid)[0] !== 'Z';
}

/** The frame log's lines: each frame's ms (Ink's render plus the sink's diff and write) and bytes written. */
function frames(file: string): Array<{ ms: number; bytes: number }> {
  return readIfExists(file)
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ms, bytes] = line.split(' ');
      return { ms: Number(ms), bytes: Number(bytes) };
    });
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
