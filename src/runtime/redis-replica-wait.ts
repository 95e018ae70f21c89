import type { Cluster, Redis } from 'ioredis';
import { StoreError } from '../errors.js';
import { type RedisClient, dataNodes, isCluster } from './redis-client.js';

/**
 * WAIT after each batch, per master, for as many replicas as that master has (at most the
 * configured number), before the batch's Kafka commit: a dedup mark that a master acknowledged
 * and then lost in a crash before replicating it would otherwise be gone while its offset is
 * committed, and the event applied again if it ever came back.
 *
 * A master that has no replica (a promoted replica whose old master is down, or a replica
 * that failed) cannot be waited for: WAIT 1 would time out on every batch and stop the
 * services. Its writes are then committed without waiting, which says loudly that they are not
 * replicated until a replica (re)joins; the count is re-read with the cluster's slot map (every
 * 2 s and after each MOVED), so waiting resumes by itself.
 */

/** Replicas per master in a slot map (ioredis' `slots`: per slot, the master's address then its replicas'). */
export function replicaCounts(slots: ReadonlyArray<ReadonlyArray<string> | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  let last: ReadonlyArray<string> | undefined;
  for (const nodes of slots) {
    // A range of slots shares one array: count it once.
    if (!nodes || nodes === last || nodes.length === 0) continue;
    last = nodes;
    const [master, ...replicas] = nodes;
    const n = new Set(replicas.filter((r) => r !== master)).size;
    counts.set(master!, Math.max(counts.get(master!) ?? 0, n));
  }
  return counts;
}

/** How many replicas to WAIT for on a master with `replicas` of them (unknown: the configured number). */
export function replicasToWaitFor(max: number, replicas: number | undefined): number {
  return Math.min(max, replicas ?? max);
}

/** What to tell the operator when masters lose their last replica or get one back. */
export function replicaChangeNotices(before: Map<string, number>, after: Map<string, number>, max: number): Array<{ level: 'warn' | 'info'; message: string }> {
  if (max === 0) return [];
  const notices: Array<{ level: 'warn' | 'info'; message: string }> = [];
  for (const [master, n] of after) {
    const was = before.get(master);
    if (n === 0 && was !== 0) {
      notices.push({
        level: 'warn',
        message: `Redis master ${master} has no replica: batches writing to it commit to Kafka without waiting for a replica (WAIT), so a crash of it now would lose their effects; waiting resumes when a replica joins`,
      });
    } else if (n > 0 && was === 0) {
      notices.push({ level: 'info', message: `Redis master ${master} has ${n} replica${n === 1 ? '' : 's'} again: batches wait for ${Math.min(max, n)} before their Kafka commit (WAIT)` });
    }
  }
  return notices;
}

/** What a commit is about to write to, taken before its first script call. */
export interface WriteTargets {
  masters: Redis[];
  /** Reconnects of a single Redis so far (a WAIT on a new connection proves nothing about the old one). */
  reconnects: number;
}

/** A master's WAIT in flight, and the one that batches coming meanwhile share. */
interface WaitRound {
  running?: Promise<number>;
  next?: { need: number; promise: Promise<number> };
}

export interface ReplicaWaitOptions {
  /** Replicas per master to wait for, at most (0: no waiting). */
  max: number;
  timeoutMs: number;
  warn: (message: string) => void;
  log: (message: string) => void;
  /** How often a single Redis' replicas are counted (a cluster's come with its slot map). */
  pollMs?: number;
}

/** What the WAITs cost so far: batches that waited, and the time they spent waiting. */
export interface ReplicaWaitStats {
  batches: number;
  totalMs: number;
  maxMs: number;
}

export class ReplicaWait {
  readonly stats: ReplicaWaitStats = { batches: 0, totalMs: 0, maxMs: 0 };
  private counts = new Map<string, number>();
  private readonly rounds = new WeakMap<Redis, WaitRound>();
  private reconnects = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  private constructor(
    private readonly redis: RedisClient,
    private readonly opts: ReplicaWaitOptions,
  ) {}

  /** Start counting each master's replicas: from the slot map of a cluster, by polling a single Redis. */
  static async start(redis: RedisClient, opts: ReplicaWaitOptions): Promise<ReplicaWait> {
    const wait = new ReplicaWait(redis, opts);
    if (isCluster(redis)) {
      wait.update(replicaCounts(redis.slots));
      redis.on('refresh', () => wait.update(replicaCounts(redis.slots)));
    } else {
      redis.on('close', () => void wait.reconnects++);
      await wait.pollSingle();
      // With WAIT off the count is only told (e.g. by the benchmark), not kept up to date.
      if (opts.max > 0) {
        wait.timer = setInterval(() => void wait.pollSingle(), opts.pollMs ?? 2_000);
        wait.timer.unref();
      }
    }
    return wait;
  }

  /** Replicas each master has now, by address. */
  replicasByMaster(): Map<string, number> {
    return new Map(this.counts);
  }

  targets(): WriteTargets {
    return { masters: dataNodes(this.redis), reconnects: this.reconnects };
  }

  /**
   * Block until the replicas of every master that may hold this batch's writes have them. A
   * master that stopped being one since `before` (killed, or demoted by a failover) may have
   * lost them: the batch fails (retriable) and is redelivered, and applied again only where its
   * marks are gone.
   */
  async waitFor(before: WriteTargets): Promise<void> {
    if (this.opts.max === 0) return;
    const t0 = performance.now();
    try {
      await this.waitForMasters(before);
    } finally {
      const ms = performance.now() - t0;
      this.stats.batches++;
      this.stats.totalMs += ms;
      this.stats.maxMs = Math.max(this.stats.maxMs, ms);
    }
  }

  private async waitForMasters(before: WriteTargets): Promise<void> {
    const now = this.targets().masters;
    const gone = before.masters.filter((m) => !now.includes(m));
    if (gone.length > 0) {
      throw new StoreError(`Redis master ${gone.map(nodeKey).join(', ')} stopped serving its slots during the batch (failover): its writes there may be lost, so the batch is not committed to Kafka and will be redelivered`);
    }
    if (before.reconnects !== this.reconnects) {
      throw new StoreError('the connection to Redis was lost during the batch: its writes may be lost, so the batch is not committed to Kafka and will be redelivered');
    }
    await Promise.all(
      now.map(async (master) => {
        const key = nodeKey(master);
        // A master ioredis learnt of from a MOVED reply, before its slot map refresh.
        if (isCluster(this.redis) && !this.counts.has(key)) await this.refreshSlots();
        const need = replicasToWaitFor(this.opts.max, this.counts.get(key));
        if (need === 0) return;
        let acked: number;
        try {
          acked = await this.sharedWait(master, need);
        } catch (err) {
          throw new StoreError(`Redis master ${key} failed while waiting for its replicas (${(err as Error).message}): the batch is not committed to Kafka and will be redelivered`);
        }
        if (acked < need) {
          throw new StoreError(
            `a replica of Redis master ${key} did not acknowledge the batch within ${this.opts.timeoutMs} ms (waiting for ${need}, ${acked} did); the batch is not committed to Kafka and will be redelivered`,
          );
        }
      }),
    );
    // A single Redis resends a WAIT cut short by a reconnect on the new connection, where it proves nothing.
    if (before.reconnects !== this.reconnects) {
      throw new StoreError('the connection to Redis was lost while waiting for its replicas: the batch is not committed to Kafka and will be redelivered');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * One WAIT in flight per master: a batch that comes while one runs joins the next one, sent
   * as soon as it is over, so after that batch's writes. Redis answers one connection's WAITs
   * one after the other anyway (a WAIT blocks its client), so sharing them cuts the queue.
   */
  private sharedWait(master: Redis, need: number): Promise<number> {
    let round = this.rounds.get(master);
    if (!round) this.rounds.set(master, (round = {}));
    const r = round;
    if (!r.running) return this.sendWait(master, need, r);
    if (r.next?.need === need) return r.next.promise;
    const promise = r.running
      .catch(() => 0)
      .then(() => {
        if (r.next?.promise === promise) r.next = undefined;
        return this.sendWait(master, need, r);
      });
    r.next = { need, promise };
    return promise;
  }

  private sendWait(master: Redis, need: number, r: WaitRound): Promise<number> {
    const p = master.wait(need, this.opts.timeoutMs);
    r.running = p;
    void p.finally(() => {
      if (r.running === p) r.running = undefined;
    }).catch(() => undefined);
    return p;
  }

  private update(next: Map<string, number>): void {
    for (const n of replicaChangeNotices(this.counts, next, this.opts.max)) (n.level === 'warn' ? this.opts.warn : this.opts.log)(n.message);
    this.counts = next;
  }

  private refreshSlots(): Promise<void> {
    return new Promise((resolve) => (this.redis as Cluster).refreshSlotsCache(() => resolve()));
  }

  private async pollSingle(): Promise<void> {
    const redis = this.redis as Redis;
    // While Redis is down the INFO waits for the reconnect: never queue a second one behind it.
    if (this.polling) return;
    this.polling = true;
    try {
      const info = await redis.info('replication');
      // A replica still in its first sync is connected but acknowledges nothing yet.
      const n = onlineReplicas(info);
      this.update(new Map([[nodeKey(redis), n]]));
    } catch {
      // Unreachable for now: keep the last count (the batch's own commands fail meanwhile).
    } finally {
      this.polling = false;
    }
  }
}

/** True when the client has (or, for 'auto', whether any master has) a replica. */
export async function anyReplica(redis: RedisClient): Promise<boolean> {
  if (isCluster(redis)) return [...replicaCounts(redis.slots).values()].some((n) => n > 0);
  return /connected_slaves:[1-9]/.test(await (redis as Redis).info('replication'));
}

/** Replicas in an INFO replication reply that are in sync (state=online), as CLUSTER SLOTS counts them. */
export function onlineReplicas(info: string): number {
  return info.split(/\r?\n/).filter((l) => /^slave\d+:.*\bstate=online\b/.test(l)).length;
}

function nodeKey(redis: Redis): string {
  return `${redis.options.host ?? '127.0.0.1'}:${redis.options.port ?? 6379}`;
}
