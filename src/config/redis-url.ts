import { UsageError } from '../errors.js';

/**
 * Where the runtime's store lives: one Redis (`redis://` or `rediss://`), or a Redis Cluster
 * named by one or more seed nodes (`redis+cluster://host:port,host:port`, `rediss+cluster://`
 * for TLS; credentials as in redis://user:pass@...). A client discovers the other nodes of a
 * cluster from any seed, so one reachable seed is enough.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; seeds: Array<{ host: string; port: number }>; tls: boolean; username?: string; password?: string };

export const REDIS_URL_FORMS = 'redis://host:port, rediss://host:port, or redis+cluster://host:port[,host:port...]';

export function parseRedisUrl(url: string): RedisTarget {
  const m = /^(rediss?)(\+cluster)?:\/\/(.*)$/.exec(url);
  if (!m) throw new UsageError(`Redis URL "${url}" must be ${REDIS_URL_FORMS}`);
  if (!m[2]) return { kind: 'single', url };
  const rest = m[3]!.replace(/\/.*$/, '');
  const at = rest.lastIndexOf('@');
  const auth = at >= 0 ? rest.slice(0, at) : '';
  const [username, password] = auth.includes(':') ? [auth.slice(0, auth.indexOf(':')), auth.slice(auth.indexOf(':') + 1)] : [auth, ''];
  const seeds = rest
    .slice(at + 1)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const hp = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(s);
      if (!hp) throw new UsageError(`Redis Cluster seed "${s}" in "${url}" must be host:port`);
      return { host: hp[1]!.replace(/^\[|\]$/g, ''), port: Number(hp[2]) };
    });
  if (seeds.length === 0) throw new UsageError(`Redis URL "${url}" names no cluster seed (host:port)`);
  return {
    kind: 'cluster',
    seeds,
    tls: m[1] === 'rediss',
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
}

export function clusterUrl(seeds: Array<{ host: string; port: number }>): string {
  return `redis+cluster://${seeds.map((s) => `${s.host}:${s.port}`).join(',')}`;
}
