import fs from 'node:fs';
import path from 'node:path';
import { parseInfoFields } from '../../src/dev/redis-cluster.js';
import type { ClusterSession } from '../../src/kafka/cluster-session.js';
import type { RedisClient } from '../../src/runtime/redis-client.js';
import { COUNTER_METRICS, SERVED_COUNTERS } from '../../src/runtime/service-counters.js';
import { dataNodes } from '../../src/runtime/redis-client.js';
import { storeScope } from '../../src/runtime/store-layout.js';
import { auditBytes } from '../../src/runtime/store-footprint.js';
import { SERVICES, type ServiceName } from '../../src/runtime/types.js';

/**
 * Where each figure of a soak sample comes from, read without disturbing the run much:
 * - Redis: INFO memory (used_memory) and DBSIZE of each master (ioredis Cluster nodes('master'),
 *   or the one Redis), and MEMORY USAGE of the run's audit strings (64 per service).
 * - Lag: per service, its main and retry-stage groups' committed offsets against the log end
 *   offsets of their topics (one admin session for the whole run).
 * - Sent: the run's manifest files (valid.tsv, poison.tsv), of which the generator appends one
 *   line per acknowledged record; read incrementally.
 * - RSS: /proc/<pid>/status VmRSS of each process.
 */
export class SoakSampler {
  private readonly manifest: ManifestCounter;

  constructor(
    private readonly redis: RedisClient,
    private readonly session: ClusterSession,
    private readonly opts: { runId: string; storeNamespace: string; runDir: string; stageGroups: Array<[group: string, topics: string[], service: ServiceName]> },
  ) {
    this.manifest = new ManifestCounter(opts.runDir);
  }

  async redisMemory(): Promise<{ usedBytes: number; keys: number }> {
    const nodes = dataNodes(this.redis);
    const answers = await Promise.all(nodes.map(async (n) => ({ used: Number(parseInfoFields(await n.info('memory')).used_memory ?? 0), keys: await n.dbsize() })));
    return { usedBytes: answers.reduce((a, n) => a + n.used, 0), keys: answers.reduce((a, n) => a + n.keys, 0) };
  }

  /** Bytes held by the run's verify audit (its applied events, store-footprint.ts). */
  auditBytes(): Promise<number> {
    return auditBytes(this.redis, SERVICES.map((s) => storeScope(s, this.opts.storeNamespace)), this.opts.runId);
  }

  /** Per service, records its groups have yet to consume; and the largest lag of any one partition. */
  async lag(): Promise<{ perService: Record<ServiceName, number>; maxPartition: number }> {
    const committed = await Promise.all(this.opts.stageGroups.map(async ([group, topics, service]) => ({ service, offsets: await this.session.groups.committed(group, topics) })));
    const refs = new Map<string, { topic: string; partition: number }>();
    for (const c of committed) for (const o of c.offsets) refs.set(`${o.topic}\u0000${o.partition}`, { topic: o.topic, partition: o.partition });
    const ranges = new Map((await this.session.offsets.ranges([...refs.values()])).map((r) => [`${r.topic}\u0000${r.partition}`, r]));
    const perService = Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<ServiceName, number>;
    let maxPartition = 0;
    for (const c of committed) {
      for (const o of c.offsets) {
        const range = ranges.get(`${o.topic}\u0000${o.partition}`);
        if (!range) continue;
        const behind = Number(range.latest - (o.offset ?? range.earliest));
        perService[c.service] += Math.max(0, behind);
        maxPartition = Math.max(maxPartition, behind);
      }
    }
    return { perService, maxPartition };
  }

  /** Records the generator has written so far (valid + poison) and the orders among them. */
  sent(): { sent: number; created: number } {
    return this.manifest.read();
  }
}

const HANDLED = new Set<string>(SERVED_COUNTERS.filter((c) => c !== 'retried').map((c) => COUNTER_METRICS[c].name));

/** Records a service has handled (every outcome counts, as bench/service-process.ts counts them) and the duplicates among them, from its /metrics; null while it does not answer. */
export async function scrapeCounts(port: number): Promise<{ handled: number; duplicates: number } | null> {
  let text: string;
  try {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
  } catch {
    return null;
  }
  const counts = { handled: 0, duplicates: 0 };
  for (const m of text.matchAll(/^([a-z_]+)\{[^}]*\} (\S+)$/gm)) {
    if (HANDLED.has(m[1]!)) counts.handled += Number(m[2]);
    if (m[1] === COUNTER_METRICS.duplicates.name) counts.duplicates += Number(m[2]);
  }
  return counts;
}

/** VmRSS of a process in bytes, null once it is gone. */
export function rssBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Counts the lines the generator appended to its manifest since the last read (complete lines only). */
class ManifestCounter {
  private readonly files: Array<{ file: string; offset: number; rest: string; lines: number; created: number }>;

  constructor(dir: string) {
    this.files = ['valid.tsv', 'poison.tsv'].map((f) => ({ file: path.join(dir, f), offset: 0, rest: '', lines: 0, created: 0 }));
  }

  read(): { sent: number; created: number } {
    for (const f of this.files) {
      let fd: number;
      try {
        fd = fs.openSync(f.file, 'r');
      } catch {
        continue; // not created yet
      }
      try {
        const size = fs.fstatSync(fd).size;
        if (size > f.offset) {
          const buf = Buffer.alloc(size - f.offset);
          const n = fs.readSync(fd, buf, 0, buf.length, f.offset);
          f.offset += n;
          const text = f.rest + buf.subarray(0, n).toString('utf8');
          const lines = text.split('\n');
          f.rest = lines.pop()!;
          f.lines += lines.length;
          for (const l of lines) if (l.includes('\tOrderCreated\t')) f.created++;
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    return { sent: this.files.reduce((a, f) => a + f.lines, 0), created: this.files[0]!.created };
  }
}
