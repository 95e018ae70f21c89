import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { CheckFailedError, InterruptedError, UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import type { GroupLag } from '../src/lag/compute-lag.js';
import { type EvaluatedGroup, evaluateLag } from '../src/lag/evaluate-lag.js';
import { serveLagMetrics } from '../src/lag/lag-exporter.js';
import { LAG_STATUSES, type LagStatus, type WatchedGroup } from '../src/lag/lag-verdict.js';
import { monitorLag } from '../src/lag/lag-monitor.js';
import { type LagThresholds, formatMs, lagBreaches, onlyLagging } from '../src/lag/lag-thresholds.js';
import { nonNegativeInt, parseDuration } from '../src/cli/flag-values.js';

type LagArgs = GlobalArgs & {
  action?: 'serve';
  port?: number;
  group: string[];
  'all-groups': boolean;
  topic?: string;
  watch?: string;
  sample?: string;
  'fail-above'?: string;
  'fail-above-time'?: string;
  'only-lagging': boolean;
  evaluate?: string;
  interval?: string;
  window?: string;
  'fail-on'?: string;
};

export const lagCommand: CommandModule<GlobalArgs, LagArgs> = {
  builder: (y) =>
    y
      .positional('action', { choices: ['serve'] as const, describe: 'serve: export every group\'s lag and verdict as Prometheus metrics on --port until Ctrl-C' })
      .option('port', { type: 'number', describe: 'With serve: the port of 127.0.0.1:PORT/metrics' })
      .option('group', { alias: 'g', type: 'string', array: true, default: [], describe: 'Consumer group (repeatable) [default: all groups]' })
      .option('all-groups', { type: 'boolean', default: false, describe: 'Every consumer group of the cluster' })
      .option('topic', { alias: 't', type: 'string', describe: "Only this topic's partitions" })
      .option('watch', { type: 'string', describe: 'Refresh every D (e.g. 5s) until Ctrl-C; rates and ETAs from recent samples' })
      .option('sample', { type: 'string', describe: 'One-shot: sample twice, D apart (e.g. 2s), to show rates and ETAs' })
      .option('fail-above', { type: 'string', describe: "Exit 1 when a group's total lag exceeds N records" })
      .option('fail-above-time', { type: 'string', describe: 'Exit 1 when a partition is more than D behind (e.g. 5m)' })
      .option('only-lagging', { type: 'boolean', default: false, describe: 'Show only partitions with lag' })
      .option('evaluate', { type: 'string', describe: 'Watch for WINDOW (e.g. 60s) and give each group and partition a verdict: OK, WARN, REWIND, STALL, STOP or ERROR, with its reason' })
      .option('interval', { type: 'string', describe: 'With --evaluate: sample every I (default: a sixth of the window, at least 1s); with serve: poll every I (default 15s)' })
      .option('window', { type: 'string', describe: 'With --watch or serve: judge verdicts over the last W (default: max(60s, 3 intervals); at least 2 intervals)' })
      .option('fail-on', { type: 'string', describe: `With --evaluate: exit 1 when a group's verdict is one of these, e.g. STOP,STALL (of ${LAG_STATUSES.join(', ')})` }) as Argv<LagArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    if (argv.group.length > 0 && argv['all-groups']) throw new UsageError('give --group G or --all-groups, not both');
    if (argv.watch !== undefined && argv.sample !== undefined) throw new UsageError('--watch already samples repeatedly; drop --sample');
    const failAbove = argv['fail-above'] !== undefined ? nonNegativeInt('--fail-above', argv['fail-above']) : undefined;
    const thresholds: LagThresholds = {
      ...(failAbove !== undefined ? { maxRecords: failAbove } : {}),
      ...(argv['fail-above-time'] !== undefined ? { maxLagMs: parseDuration(argv['fail-above-time'], '--fail-above-time') } : {}),
    };
    const intervalMs = argv.watch !== undefined ? parseDuration(argv.watch, '--watch') : undefined;
    const sampleMs = argv.sample !== undefined ? parseDuration(argv.sample, '--sample') : undefined;
    const groups = argv.group.length > 0 ? argv.group : undefined;
    if (argv.action === 'serve') return serve(argv);
    if (argv.port !== undefined) throw new UsageError('--port goes with `lag serve`', 'e.g. streamflow lag serve --port 9308');
    if (argv.evaluate !== undefined) return evaluate(argv, groups);
    if (argv.window !== undefined && intervalMs === undefined) throw new UsageError('--window goes with --watch or `lag serve` (--evaluate takes its window as its value)', 'e.g. streamflow lag --watch 5s --window 2m');
    if (argv.interval !== undefined || argv['fail-on'] !== undefined) throw new UsageError(`${argv.interval !== undefined ? '--interval' : '--fail-on'} goes with --evaluate WINDOW`, 'e.g. streamflow lag --evaluate 60s --fail-on STOP,STALL');
    let breaches: string[] = [];
    let samples = 0;
    let last: { takenAt: string | null; groups: GroupLag[] } = { takenAt: null, groups: [] };

    await monitorLag(await argv.sf.connection(), {
      scope: { ...(groups ? { groups } : {}), ...(argv.topic !== undefined ? { topic: argv.topic } : {}) },
      ...(intervalMs !== undefined ? { intervalMs, windowMs: verdictWindow(argv.window, intervalMs) } : {}),
      ...(sampleMs !== undefined ? { sampleMs } : {}),
      signal,
      onReport: (all) => {
        breaches = lagBreaches(all, thresholds);
        const shown = argv['only-lagging'] ? onlyLagging(all) : all;
        const doc = { takenAt: new Date().toISOString(), groups: shown };
        samples++;
        last = doc;
        if (intervalMs === undefined) out.result(doc, () => renderLag(shown));
        else if (out.json) out.jsonLine(doc);
        else out.stdout.write((out.interactive ? '\u001b[2J\u001b[H' : '') + `${doc.takenAt}\n${renderLag(shown)}\n\n`);
        return breaches.length > 0 ? 'stop' : 'continue';
      },
    });
    if (breaches.length > 0) throw new CheckFailedError(`lag over threshold: ${breaches.join('; ')}`);
    if (intervalMs !== undefined && signal.aborted) {
      // A watch ends with a last line that says so: the latest sample again, marked interrupted.
      const counted = `${samples} sample${samples === 1 ? '' : 's'}`;
      if (out.json) out.jsonLine({ ...last, interrupted: true, samples });
      else out.stdout.write(`Interrupted after ${counted}${last.takenAt ? ` (last at ${last.takenAt})` : ''}.\n`);
      throw new InterruptedError(`lag watch stopped by signal after ${counted}`);
    }
  },
};

/** --window, or max(60 s, 3 intervals): a watch or `lag serve` judges the polls of this span. */
function verdictWindow(flag: string | undefined, intervalMs: number): number {
  if (flag === undefined) return Math.max(60_000, 3 * intervalMs);
  const windowMs = parseDuration(flag, '--window');
  if (windowMs < 2 * intervalMs) throw new UsageError(`--window ${flag} is shorter than two polls of ${formatMs(intervalMs)}`, `e.g. --window ${formatMs(Math.max(60_000, 3 * intervalMs))}`);
  return windowMs;
}

async function serve(argv: LagArgs): Promise<void> {
  const { out, signal } = argv.sf;
  if (argv.port === undefined || !Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65_535) throw new UsageError('`lag serve` needs --port P (0-65535)', 'e.g. streamflow lag serve --port 9308');
  const intervalMs = argv.interval !== undefined ? parseDuration(argv.interval, '--interval') : 15_000;
  const windowMs = verdictWindow(argv.window, intervalMs);
  out.stderr.write(`Serving every group's lag and verdict on http://127.0.0.1:${argv.port}/metrics, polled every ${formatMs(intervalMs)} (verdicts over ${formatMs(windowMs)}); Ctrl-C to stop.\n`);
  const polls = await serveLagMetrics(await argv.sf.connection(), { port: argv.port, intervalMs, windowMs, signal, log: (m) => out.stderr.write(m + '\n') });
  throw new InterruptedError(`lag serve stopped by signal after ${polls} poll${polls === 1 ? '' : 's'}`);
}

async function evaluate(argv: LagArgs, groups: string[] | undefined): Promise<void> {
  const { out, signal } = argv.sf;
  if (argv.watch !== undefined || argv.sample !== undefined) throw new UsageError(`--evaluate samples through its window already; drop ${argv.watch !== undefined ? '--watch' : '--sample'}`);
  const windowMs = parseDuration(argv.evaluate!, '--evaluate');
  const intervalMs = argv.interval !== undefined ? parseDuration(argv.interval, '--interval') : Math.max(1_000, Math.round(windowMs / 6));
  if (intervalMs > windowMs) throw new UsageError(`--interval ${argv.interval} is longer than the --evaluate window ${argv.evaluate}`);
  const failOn = (argv['fail-on'] ?? '').split(',').map((x) => x.trim().toUpperCase()).filter(Boolean);
  const unknown = failOn.filter((x) => !(LAG_STATUSES as readonly string[]).includes(x));
  if (unknown.length) throw new UsageError(`--fail-on takes ${LAG_STATUSES.join(', ')}; got ${unknown.join(', ')}`);
  if (!out.json) out.stderr.write(`Evaluating for ${formatMs(windowMs)}, a sample every ${formatMs(intervalMs)}...\n`);
  const result = await evaluateLag(await argv.sf.connection(), {
    scope: { ...(groups ? { groups } : {}), ...(argv.topic !== undefined ? { topic: argv.topic } : {}) },
    windowMs,
    intervalMs,
    signal,
  });
  const shown = argv['only-lagging'] ? result.map((g) => ({ ...g, partitions: g.partitions.filter((p) => p.status !== 'OK') })) : result;
  out.result({ evaluatedAt: new Date().toISOString(), windowMs, groups: shown }, () => renderVerdicts(shown));
  const failing = result.filter((g) => failOn.includes(g.status as LagStatus));
  if (failing.length) throw new CheckFailedError(`lag verdicts: ${failing.map((g) => `${g.group} ${g.status} (${g.reason})`).join('; ')}`);
}

function renderVerdicts(groups: EvaluatedGroup[]): string {
  if (groups.length === 0) return 'No consumer groups.';
  return groups
    .map((g) => {
      const head = `group ${g.group}: ${g.status} - ${g.reason} (${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}, lag ${g.totalLag.toLocaleString('en-US')}${g.maxTimeLagMs ? `, ${formatMs(g.maxTimeLagMs)} behind` : ''})`;
      const rows = g.partitions.map((p) => [p.topic, p.partition, p.status, p.lag ?? '-', p.timeLagMs === null ? '-' : formatMs(p.timeLagMs), p.lostRecords || '-', p.retentionRiskMs === null ? '-' : formatMs(p.retentionRiskMs), p.reason]);
      return [head, formatTable(['TOPIC', 'PARTITION', 'STATUS', 'LAG', 'BEHIND', 'LOST', 'DELETED IN', 'REASON'], rows).replace(/^/gm, '  ')].join('\n');
    })
    .join('\n\n');
}

function renderLag(groups: WatchedGroup[]): string {
  if (groups.length === 0) return 'No consumer groups (or none with lag).';
  return groups
    .map((g) => {
      const onlyMarkers = g.totalLag > 0 && g.maxLagMs === 0;
      const head =
        `group ${g.group}: ${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}, lag ${g.totalLag.toLocaleString('en-US')}` +
        (g.maxLagMs ? ` (${formatMs(g.maxLagMs)} behind)` : onlyMarkers ? ' (transaction markers only: nothing to consume)' : '') +
        (g.rate !== null ? `, ${g.rate.toLocaleString('en-US')}/s` : '') +
        (g.totalLag > 0 && !onlyMarkers && g.rate !== null ? `, caught up ${g.etaMs === null ? 'never at this rate' : `in ${formatMs(g.etaMs)}`}` : '') +
        (g.status ? ` - ${g.status}: ${g.reason}` : '');
      const rows = g.partitions.map((p) => [
        p.topic,
        p.partition,
        p.committed ?? '-',
        p.end,
        p.lag ?? '-',
        p.lagMs === null ? '-' : formatMs(p.lagMs),
        p.rate ?? '-',
        p.etaMs === null ? '-' : formatMs(p.etaMs),
      ]);
      return [head, formatTable(['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'BEHIND', 'RATE/S', 'ETA'], rows).replace(/^/gm, '  ')].join('\n');
    })
    .join('\n\n');
}
