import { Cluster, Redis } from 'ioredis';
import { redactUrlCredentials } from '../config/redact.js';
import { parseRedisUrl } from '../config/redis-url.js';
import { UnreachableError } from '../errors.js';

export type RedisClient = Redis | Cluster;

export function isCluster(r: RedisClient): r is Cluster {
  return (r as Cluster).isCluster === true;
}

/** The nodes that hold data: the masters of a cluster, or the one Redis. */
export function dataNodes(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}

/**
 * A client for one Redis or a Redis Cluster (see redis-url.ts), connected within 10 s, that
 * keeps retrying through a restart or a failover: each command waits for the reconnect (or
 * for the cluster's new slot map) instead of failing the batch.
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  const target = parseRedisUrl(url);
  const retryStrategy = (n: number) => Math.min(n * 200, 2_000);
  const client: RedisClient =
    target.kind === 'single'
      ? new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 5_000, retryStrategy })
      : new Cluster(target.seeds, {
          lazyConnect: true,
          clusterRetryStrategy: retryStrategy,
          // A failover moves slots: follow MOVED/ASK and CLUSTERDOWN for as long as a replica takes to be promoted.
          retryDelayOnFailover: 200,
          retryDelayOnClusterDown: 300,
          retryDelayOnTryAgain: 200,
          maxRedirections: 64,
          // Re-read the slot map (masters and their replicas) every 2 s, not only after a MOVED:
          // the WAIT after each batch counts each master's replicas from it (redis-replica-wait.ts).
          slotsRefreshInterval: 2_000,
          redisOptions: {
            maxRetriesPerRequest: null,
            connectTimeout: 5_000,
            ...(target.tls ? { tls: {} } : {}),
            ...(target.username ? { username: target.username } : {}),
            ...(target.password ? { password: target.password } : {}),
          },
        });
  client.on('error', () => undefined); // reported through the failing command instead
  try {
    await Promise.race([client.connect(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000))]);
  } catch (err) {
    client.disconnect();
    throw new UnreachableError('redis', redactUrlCredentials(url), (err as Error).message);
  }
  return client;
}
