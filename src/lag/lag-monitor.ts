import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { withClusterSession } from '../kafka/cluster-session.js';
import { computeLag } from './compute-lag.js';
import { type WatchedGroup, evaluateGroup } from './lag-verdict.js';
import { type LagScope, NextRecordCache, fetchLagSnapshot } from './fetch-lag-snapshot.js';
import { LagHistory } from './lag-history.js';
import { CommitLog } from './commit-log.js';

export interface LagRun {
  scope: LagScope;
  /** --watch: sample every this many ms until stopped. */
  intervalMs?: number;
  /** With intervalMs: verdicts judge the samples of this span. */
  windowMs?: number;
  /** One-shot --sample: take a second sample this much later, for rates and ETAs. */
  sampleMs?: number;
  signal: AbortSignal;
  /** Called with each report; return 'stop' to end a watch (e.g. a threshold was crossed). */
  onReport(groups: WatchedGroup[]): 'continue' | 'stop';
}


/** Rates in --watch compare samples up to this far apart. */
const MIN_WINDOW_MS = 60_000;

/** Sample lag once (optionally twice, for rates) or every interval until the signal aborts. */
export async function monitorLag(conn: Connection, run: LagRun): Promise<void> {
  await withClusterSession(
    conn,
    async (session) => {
      const windowMs = run.windowMs ?? Math.max(MIN_WINDOW_MS, 3 * (run.intervalMs ?? run.sampleMs ?? 0));
      const history = new LagHistory(windowMs);
      const nextRecords = new NextRecordCache();
      // The verdicts' window is a poll short of the history's (below): keep commits that long.
      const commits = run.intervalMs === undefined ? undefined : new CommitLog(windowMs - run.intervalMs);
      await commits?.start(session);
      const report = async (): Promise<WatchedGroup[]> => {
        const samples = await fetchLagSnapshot(session, run.scope, nextRecords);
        await commits?.poll(session, samples.map((s) => s.group));
        return samples.map((s) => {
          const earlier = history.add(s);
          const lag = computeLag(s, earlier);
          if (run.intervalMs === undefined) return lag;
          // The history keeps samples up to windowMs apart: a full one spans at least a poll less.
          const { verdict } = evaluateGroup({ samples: [...earlier, s], windowMs: windowMs - run.intervalMs, commits: commits!.commitsOf(s.group) });
          return { ...lag, status: verdict.status, reason: verdict.reason };
        });
      };
      if (run.intervalMs === undefined) {
        if (run.sampleMs !== undefined) {
          await report();
          if (!(await pause(run.sampleMs, run.signal))) throw new InterruptedError();
        }
        run.onReport(await report());
        return;
      }
      do {
        if (run.onReport(await report()) === 'stop') return;
      } while (await pause(run.intervalMs, run.signal));
    },
    'streamflow-lag',
  );
}

/** Wait `ms`; false when the signal aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return sleep(ms, true, { signal }).catch(() => false);
}
