import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../../src/config/resolve-connection.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import { computeLag } from '../../src/lag/compute-lag.js';
import { fetchLagSnapshot } from '../../src/lag/fetch-lag-snapshot.js';

/** Caught up stays so this long before it counts (a kill's lag builds only once the session times out). */
const STAYS_MS = 15_000;

interface Sample {
  at: number;
  /** The worst time lag over the groups; null when the snapshot failed (mid-failover). */
  maxLagMs: number | null;
}

/**
 * Samples the services' groups' time lag (the age of each partition's first unconsumed
 * record, as `streamflow lag` computes it) every interval for the whole run, so each fault's
 * lag recovery can be read off afterwards. A failed snapshot (a broker just died) is kept as
 * unknown, never as caught up.
 */
export class LagWatch {
  private readonly samples: Sample[] = [];
  private running = true;
  private readonly done: Promise<void>;

  /** `caughtUpMs`: a group is caught up when no partition's first unconsumed record is older. */
  constructor(conn: Connection, groups: string[], private readonly caughtUpMs: number, private readonly intervalMs = 2_000) {
    this.done = this.watch(conn, groups);
  }

  /** Sample until stopped; a failed snapshot drops the session (its broker may be gone) for a new one. */
  private async watch(conn: Connection, groups: string[]): Promise<void> {
    while (this.running) {
      await withClusterSession(
        conn,
        async (session) => {
          for (let failed = false; this.running && !failed; ) {
            const at = Date.now();
            const maxLagMs = await fetchLagSnapshot(session, { groups }).then(
              (samples) => Math.max(0, ...samples.map((s) => computeLag(s).maxLagMs ?? 0)),
              () => null,
            );
            failed = maxLagMs === null;
            this.samples.push({ at, maxLagMs });
            await sleep(Math.max(0, this.intervalMs - (Date.now() - at)));
          }
        },
        'streamflow-chaos-lag',
      ).catch(() => this.samples.push({ at: Date.now(), maxLagMs: null }));
      if (this.running) await sleep(this.intervalMs);
    }
  }

  /** The worst time lag seen at or after `since` (ms). */
  worstSince(since: number): number {
    return Math.max(0, ...this.samples.filter((s) => s.at >= since).map((s) => s.maxLagMs ?? 0));
  }

  /**
   * When every group was back under caughtUpMs for good after `from`: the first sample at
   * or after `from` from which every sample for STAYS_MS (or until `until`) is caught up.
   */
  caughtUpAfter(from: number, until = Number.POSITIVE_INFINITY): number | null {
    const after = this.samples.filter((s) => s.at >= from);
    for (let i = 0; i < after.length; i++) {
      const end = Math.min(after[i]!.at + STAYS_MS, until);
      const rest = after.slice(i);
      const covered = rest.some((s) => s.at >= end - this.intervalMs);
      if (covered && rest.filter((s) => s.at <= end).every((s) => s.maxLagMs !== null && s.maxLagMs < this.caughtUpMs)) return after[i]!.at;
    }
    return null;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
