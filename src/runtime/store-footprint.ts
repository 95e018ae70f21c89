import { type RedisClient, dataNodes } from './redis-client.js';
import { SHARDS, keyNames, shardBase } from './store-layout.js';

export interface StoreFootprint {
  /** used_memory, summed over the masters of a cluster. */
  usedBytes: number;
  keys: number;
  /** Keys of the runtime (sf:*) with no TTL, and the largest of them by members. */
  keysWithoutTtl: number;
  largestWithoutTtl: { key: string; type: string; members: number } | null;
}

/**
 * What the runtime's state costs in Redis: memory, and the keys that would grow without
 * bound (no TTL). Scans every sf:* key: for benchmarks and soaks, not for a busy production node.
 */
export async function measureFootprint(redis: RedisClient): Promise<StoreFootprint> {
  const footprint: StoreFootprint = { usedBytes: 0, keys: 0, keysWithoutTtl: 0, largestWithoutTtl: null };
  for (const node of dataNodes(redis)) {
    footprint.usedBytes += Number(/used_memory:(\d+)/.exec(await node.info('memory'))?.[1] ?? 0);
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', 'sf:*', 'COUNT', 1000);
      cursor = next;
      footprint.keys += keys.length;
      const ttls = await Promise.all(keys.map((k) => node.pttl(k)));
      for (const [i, key] of keys.entries()) {
        if (ttls[i] !== -1) continue;
        footprint.keysWithoutTtl++;
        const type = await node.type(key);
        const members = type === 'hash' ? await node.hlen(key) : type === 'list' ? await node.llen(key) : type === 'set' ? await node.scard(key) : type === 'zset' ? await node.zcard(key) : 1;
        if (!footprint.largestWithoutTtl || members > footprint.largestWithoutTtl.members) footprint.largestWithoutTtl = { key, type, members };
      }
    } while (cursor !== '0');
  }
  return footprint;
}

/**
 * Bytes a generator run's effect counts (kept for `verify`) take: one appended string per
 * shard of each service (`scopes`: the services, or their store-namespaced names).
 */
export async function auditBytes(redis: RedisClient, scopes: readonly string[], runId: string): Promise<number> {
  const keys = scopes.flatMap((scope) => Array.from({ length: SHARDS }, (_, s) => keyNames.audit(shardBase(scope, s), runId)));
  const sizes = await Promise.all(keys.map((k) => redis.memory('USAGE', k)));
  return sizes.reduce<number>((n, b) => n + Number(b ?? 0), 0);
}
