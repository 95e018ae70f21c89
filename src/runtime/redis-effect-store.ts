import { Redis } from 'ioredis';
import { UnreachableError } from '../errors.js';
import { redactUrlCredentials } from '../config/redact.js';
import { type CommitItem, type CommitResult, type EffectStore, type ParkedRecord, type PreRead, type ServiceStats, prefix } from './effect-store.js';

/*
 * The whole batch in one Lua script, so Redis applies it atomically: dedup mark, effects,
 * outbox and ordering-guard state are written together or not at all. Returns one entry per
 * item: 1 applied, {1, next-parked} applied and released the next parked record of its key,
 * {0, outbox} duplicate, 2 parked, 3 forwarded, 4 no longer blocked, 5 blocked meanwhile,
 * 6 an order state it read has changed (optimistic concurrency).
 */
const COMMIT = `
local p = ARGV[1]
local ttl = tonumber(ARGV[2])
local items = cjson.decode(ARGV[3])
local out = {}
local function guardsHold(guards)
  for _, g in ipairs(guards) do
    if (redis.call('HGET', g[1], g[2]) or '') ~= g[3] then return false end
  end
  return true
end
for i, it in ipairs(items) do
  local head = redis.call('HGET', p .. 'blocked', it.key)
  if it.mode == 'forward' then
    redis.call('HSET', p .. 'blocked', it.key, it.eventId)
    local first = redis.call('LINDEX', p .. 'parked:' .. it.key, 0)
    if first and cjson.decode(first).id == it.eventId then redis.call('LPOP', p .. 'parked:' .. it.key) end
    out[i] = 3
  elseif it.mode == 'park' and not (head and head ~= it.eventId) then
    out[i] = 4
  elseif head and head ~= it.eventId and it.mode == 'apply' then
    out[i] = 5
  elseif head and head ~= it.eventId then
    if redis.call('SET', p .. 'parkmark:' .. it.eventId, '1', 'NX', 'EX', ttl) then
      redis.call('RPUSH', p .. 'parked:' .. it.key, it.record)
      redis.call('HINCRBY', p .. 'stats', 'parked', 1)
    end
    out[i] = 2
  elseif redis.call('EXISTS', p .. 'done:' .. it.eventId) == 0 and not guardsHold(it.guards) then
    out[i] = 6
  elseif redis.call('SET', p .. 'done:' .. it.eventId, '1', 'NX', 'EX', ttl) then
    for _, op in ipairs(it.ops) do
      if op[1] == 'HSET' then redis.call('HSET', op[2], op[3], op[4])
      elseif op[1] == 'HINCRBY' then redis.call('HINCRBY', op[2], op[3], op[4])
      elseif op[1] == 'INCRBY' then redis.call('INCRBY', op[2], op[3]) end
    end
    redis.call('HINCRBY', p .. 'effects', it.eventId, 1)
    redis.call('HINCRBY', p .. 'stats', 'processed', 1)
    redis.call('SET', p .. 'outbox:' .. it.eventId, it.outbox, 'EX', ttl)
    out[i] = 1
    if head == it.eventId then
      local list = p .. 'parked:' .. it.key
      local first = redis.call('LINDEX', list, 0)
      if first and cjson.decode(first).id == it.eventId then redis.call('LPOP', list) end
      local nxt = redis.call('LINDEX', list, 0)
      if nxt then
        redis.call('HSET', p .. 'blocked', it.key, cjson.decode(nxt).id)
        out[i] = {1, nxt}
      else
        redis.call('HDEL', p .. 'blocked', it.key)
      end
    end
  else
    out[i] = {0, redis.call('GET', p .. 'outbox:' .. it.eventId) or ''}
  end
end
return out
`;

export class RedisEffectStore implements EffectStore {
  readonly kind = 'redis';
  private readonly redis: Redis;

  private constructor(redis: Redis) {
    this.redis = redis;
    this.redis.defineCommand('sfCommit', { numberOfKeys: 0, lua: COMMIT });
  }

  static async connect(url: string): Promise<RedisEffectStore> {
    // Keep retrying through a Redis restart; each command waits for the reconnect.
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: 5_000, retryStrategy: (n) => Math.min(n * 200, 2_000) });
    redis.on('error', () => undefined); // reported through the failing command instead
    try {
      await Promise.race([redis.connect(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 10 s')), 10_000))]);
    } catch (err) {
      redis.disconnect();
      throw new UnreachableError('redis', redactUrlCredentials(url), (err as Error).message);
    }
    return new RedisEffectStore(redis);
  }

  async preRead(service: string, eventIds: string[], orderIds: string[], keys: string[]): Promise<PreRead> {
    const p = prefix(service);
    // Redis refuses MGET/HMGET without keys, and a batch may hold no decodable event (only poison).
    const pipe = this.redis.pipeline();
    if (eventIds.length) pipe.mget(...eventIds.map((id) => `${p}done:${id}`)).mget(...eventIds.map((id) => `${p}outbox:${id}`));
    if (orderIds.length) pipe.hmget(`${p}orders`, ...orderIds);
    if (keys.length) pipe.hmget(`${p}blocked`, ...keys);
    const res = (await pipe.exec())!.map(([err, v]) => {
      if (err) throw err;
      return v as Array<string | null>;
    });
    const next = (asked: unknown[]) => (asked.length ? res.shift()! : []);
    const [done, outbox, orders, blocked] = [next(eventIds), next(eventIds), next(orderIds), next(keys)];
    const pre: PreRead = { done: new Map(), orders: new Map(), blockedBy: new Map() };
    eventIds.forEach((id, i) => done[i] && pre.done.set(id, outbox[i] ?? null));
    orderIds.forEach((id, i) => orders[i] && pre.orders.set(id, JSON.parse(orders[i]!) as Record<string, unknown>));
    keys.forEach((k, i) => blocked[i] && pre.blockedBy.set(k, blocked[i]!));
    return pre;
  }

  async commit(service: string, items: CommitItem[], ttlSec: number): Promise<CommitResult[]> {
    if (items.length === 0) return [];
    const run = (this.redis as unknown as { sfCommit(...args: string[]): Promise<unknown[]> }).sfCommit;
    const raw = (await run.call(this.redis, prefix(service), String(ttlSec), JSON.stringify(items))) as Array<number | [number, string]>;
    return raw.map((r): CommitResult => {
      if (r === 1) return { status: 'applied' };
      if (r === 2) return { status: 'parked' };
      if (r === 3) return { status: 'forwarded' };
      if (r === 4) return { status: 'unblocked' };
      if (r === 5) return { status: 'blocked' };
      if (r === 6) return { status: 'conflict' };
      const [code, payload] = r as [number, string];
      return code === 1 ? { status: 'applied', next: JSON.parse(payload) as ParkedRecord } : { status: 'duplicate', outbox: payload || null };
    });
  }

  async effectCounts(service: string): Promise<Map<string, number>> {
    return new Map(Object.entries(await this.redis.hgetall(`${prefix(service)}effects`)).map(([k, v]) => [k, Number(v)]));
  }

  async orderStates(service: string): Promise<Map<string, Record<string, unknown>>> {
    return new Map(Object.entries(await this.redis.hgetall(`${prefix(service)}orders`)).map(([k, v]) => [k, JSON.parse(v) as Record<string, unknown>]));
  }

  async stats(service: string): Promise<ServiceStats> {
    const p = prefix(service);
    const [stats, blocked] = await Promise.all([this.redis.hgetall(`${p}stats`), this.redis.hlen(`${p}blocked`)]);
    return { processed: Number(stats.processed ?? 0), parked: Number(stats.parked ?? 0), blockedKeys: blocked };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
