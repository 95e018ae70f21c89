import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../config/resolve-connection.js';
import { servePrometheus } from '../cli/prometheus-endpoint.js';
import { withClusterSession } from '../kafka/cluster-session.js';
import { type GroupLag, type GroupSample, computeLag } from './compute-lag.js';
import { NextRecordCache, fetchLagSnapshot } from './fetch-lag-snapshot.js';
import { logStartOf } from './evaluate-lag.js';
import { CommitLog } from './commit-log.js';
import { LAG_STATUSES, type PartitionVerdict, type Verdict, evaluateGroup, partitionKey } from './lag-verdict.js';

export interface LagServeOptions {
  port: number;
  intervalMs: number;
  /** Verdicts judge the samples of this window (at least three intervals). */
  windowMs: number;
  signal: AbortSignal;
  log: (message: string) => void;
}

interface Judged {
  lag: GroupLag;
  verdict: Verdict;
  partitions: PartitionVerdict[];
}

/**
 * `lag serve`: every interval, every group's lag and verdict as Prometheus metrics under
 * kafka-lag-exporter's names (so its dashboards and alerts work unchanged), plus
 * streamflow_consumergroup_status and the records lost to retention. Memory is bounded: one
 * window of samples per group that still exists, and the text of the last poll.
 */
export async function serveLagMetrics(conn: Connection, opts: LagServeOptions): Promise<number> {
  let text = '# no poll finished yet\n';
  const server = await servePrometheus(opts.port, '--port', () => text);
  let polls = 0;
  try {
    await withClusterSession(
      conn,
      async (session) => {
        const history = new Map<string, GroupSample[]>();
        const nextRecords = new NextRecordCache();
        const commits = new CommitLog(opts.windowMs - opts.intervalMs);
        await commits.start(session);
        let warned = false;
        const warnOnce = () => {
          if (!commits.unavailable || warned) return;
          warned = true;
          opts.log(`lag serve: ${commits.unavailable}; verdicts go on without the commit log (a group re-committing one offset shows as STOP, not STALL)`);
        };
        warnOnce();
        while (!opts.signal.aborted) {
          const started = Date.now();
          try {
            const samples = await fetchLagSnapshot(session, {}, nextRecords);
            const logStart = await logStartOf(session, samples);
            await commits.poll(session, samples.map((s) => s.group));
            warnOnce();
            const seen = new Set<string>();
            const judged = samples.map((s): Judged => {
              seen.add(s.group);
              const kept = (history.get(s.group) ?? []).filter((h) => s.takenAt - h.takenAt <= opts.windowMs);
              history.set(s.group, [...kept, s]);
              // Kept samples are at most windowMs apart: a full history spans at least a poll less.
              const { verdict, partitions } = evaluateGroup({ samples: history.get(s.group)!, windowMs: opts.windowMs - opts.intervalMs, commits: commits.commitsOf(s.group), logStart: (topic, partition) => logStart.get(partitionKey(topic, partition)) });
              return { lag: computeLag(s, kept), verdict, partitions };
            });
            for (const g of history.keys()) if (!seen.has(g)) history.delete(g);
            text = lagMetricsText(judged);
            polls++;
          } catch (err) {
            opts.log(`lag serve: a poll failed (${(err as Error).message}); the last figures stay served`);
          }
          await sleep(Math.max(0, opts.intervalMs - (Date.now() - started)), undefined, { signal: opts.signal }).catch(() => undefined);
        }
      },
      'streamflow-lag-serve',
    );
  } finally {
    server.close();
  }
  return polls;
}

/** The Prometheus text of one poll. */
export function lagMetricsText(groups: Judged[]): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'gauge', help: string, rows: Array<[Record<string, string | number>, number | null]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) if (value !== null) lines.push(`${name}{${Object.entries(labels).map(([k, v]) => `${k}="${escape(String(v))}"`).join(',')}} ${value}`);
  };
  const perPartition = (pick: (g: Judged, i: number) => number | null) =>
    groups.flatMap((g) => g.lag.partitions.map((p, i): [Record<string, string | number>, number | null] => [{ group: g.lag.group, topic: p.topic, partition: p.partition }, pick(g, i)]));
  metric('kafka_consumergroup_group_lag', 'gauge', 'Records a group has not consumed, per partition.', perPartition((g, i) => g.lag.partitions[i]!.lag));
  metric('kafka_consumergroup_group_lag_seconds', 'gauge', 'Age of the first record a group has not consumed, per partition (exact: read at the committed offset).', perPartition((g, i) => seconds(g.lag.partitions[i]!.lagMs)));
  metric('kafka_consumergroup_group_max_lag', 'gauge', "A group's largest partition lag in records.", groups.map((g) => [{ group: g.lag.group }, Math.max(0, ...g.lag.partitions.map((p) => p.lag ?? 0))]));
  metric('kafka_consumergroup_group_max_lag_seconds', 'gauge', "A group's largest partition time lag.", groups.map((g) => [{ group: g.lag.group }, seconds(g.lag.maxLagMs)]));
  metric('kafka_consumergroup_group_sum_lag', 'gauge', "A group's total lag in records.", groups.map((g) => [{ group: g.lag.group }, g.lag.totalLag]));
  metric('streamflow_consumergroup_status', 'gauge', "1 for the group's verdict (OK, WARN, REWIND, STALL, STOP, ERROR), 0 for the others.", groups.flatMap((g) => LAG_STATUSES.map((status): [Record<string, string>, number] => [{ group: g.lag.group, status }, g.verdict.status === status ? 1 : 0])));
  metric('streamflow_consumergroup_lost_records', 'gauge', 'Records deleted by retention before the group read them, per partition.', groups.flatMap((g) => g.partitions.map((p): [Record<string, string | number>, number] => [{ group: g.lag.group, topic: p.topic, partition: p.partition }, p.lostRecords])));
  return lines.join('\n') + '\n';
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1000;
}

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
