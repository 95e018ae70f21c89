import type { CommitItem, CommitOptions, CommitResult, EffectCounts, EffectStore, EventRef, ParkedRecord, PreRead, ServiceStats } from './effect-store.js';
import { StoreError, StreamflowError, UsageError } from '../errors.js';
import { connectRedis, isCluster, type RedisClient } from './redis-client.js';
import { ReplicaWait, type ReplicaWaitStats, anyReplica } from './redis-replica-wait.js';
import { statePackerFor } from './state-packing.js';
import {
  DEFAULT_BUCKETS,
  DEFAULT_WINDOW_SEC,
  FIELD_CHARS,
  SHARDS,
  type StoreLayout,
  bucketOf,
  eventMark,
  generationExpiresAt,
  generationOf,
  keyNames,
  orderField,
  shardBase,
  shardOf,
  storeScope,
} from './store-layout.js';

/*
 * Lua shared by both scripts: an order's entry is "<marks>|<state>", marks 8 characters each,
 * in the current generation's hash (KEYS[c]) or else the previous one's (KEYS[p]). A script
 * reads an entry once and keeps what it wrote in `seen`.
 */
const ENTRY = `
local seen = {}
local function entry(f, c, p)
  local at = c .. '|' .. f
  local v = seen[at]
  if v then return v end
  v = redis.call('HGET', KEYS[c], f)
  if not v and p > 0 then v = redis.call('HGET', KEYS[p], f) end
  v = v or '|'
  seen[at] = v
  return v
end
local function split(v)
  local bar = string.find(v, '|', 1, true)
  return string.sub(v, 1, bar - 1), string.sub(v, bar + 1)
end
local function hasMark(marks, mk)
  for i = 1, #marks, 8 do
    if string.sub(marks, i, i + 7) == mk then return true end
  end
  return false
end
`;

/*
 * A batch's items, shard by shard, in one script, so Redis applies each shard's share
 * atomically: dedup mark, order states, counters, outbox and ordering-guard state are written
 * together or not at all. On a single Redis one call carries every shard of a batch; on a
 * cluster one call carries one shard (one slot). Every key is declared: per shard x = {stats,
 * the keys blocked behind a failure in this generation and the last, the outboxes of the two},
 * the rest by index; outboxes are binary arguments (ARGV[n]) after the items. An event's
 * outbox and its effect count for `verify` are kept by its field (72 bits of its id): the
 * counts as one string per run that each application appends the field to.
 * Returns one entry per item, shard after shard: 1 applied, {1, next-parked} applied and
 * released the next parked record of its key, {0, outbox} duplicate, 2 parked, 3 forwarded,
 * 4 no longer blocked, 5 blocked meanwhile (or a head not known as one: read it first),
 * 6 an order state it read has changed (optimistic concurrency).
 */
const COMMIT = `${ENTRY}
local shards = cjson.decode(ARGV[1])
local window = tonumber(ARGV[2])
local expireAt = tonumber(ARGV[3])
local auditSec = tonumber(ARGV[4])
local out = {}
local written, audited = {}, {}
local function firstParkedId(list)
  local first = redis.call('LINDEX', list, 0)
  if first then return cjson.decode(first).id end
end
local function put(c, f, marks, state)
  local v = marks .. '|' .. state
  redis.call('HSET', KEYS[c], f, v)
  seen[c .. '|' .. f] = v
  written[c] = true
end
local function commitShard(x, items)
  local stats, blocked, wasBlocked, outbox, lastOutbox = KEYS[x[1]], KEYS[x[2]], KEYS[x[3]], KEYS[x[4]], KEYS[x[5]]
  local processed, parkedCount, blockedWritten, outboxWritten = 0, 0, false, false
  -- Most batches meet no blocked key: two HLENs instead of HGETs per item.
  local anyBlocked = redis.call('HLEN', blocked) > 0 or redis.call('HLEN', wasBlocked) > 0
  local function block(k, e)
    redis.call('HSET', blocked, k, e)
    redis.call('HDEL', wasBlocked, k)
    blockedWritten = true
  end
  local function unblock(k)
    redis.call('HDEL', blocked, k)
    redis.call('HDEL', wasBlocked, k)
  end
  for _, it in ipairs(items) do
    local head = anyBlocked and (redis.call('HGET', blocked, it.k) or redis.call('HGET', wasBlocked, it.k))
    -- Declared for forwards, parks and known heads only.
    local parked = it.pk > 0 and KEYS[it.pk]
    local r
    if it.m == 'f' then
      block(it.k, it.e)
      anyBlocked = true
      if firstParkedId(parked) == it.e then redis.call('LPOP', parked) end
      r = 3
    elseif it.m == 'p' and not (head and head ~= it.e) then
      r = 4
    elseif head and head ~= it.e and it.m == 'a' then
      r = 5
    elseif head and head ~= it.e then
      if redis.call('SET', KEYS[it.pm], '1', 'NX', 'EX', window) then
        redis.call('RPUSH', parked, it.r)
        redis.call('EXPIRE', parked, window)
        parkedCount = parkedCount + 1
      end
      r = 2
    elseif head == it.e and not parked then
      r = 5
    else
      local marks, ownState = split(entry(it.f, it.c, it.p))
      if hasMark(marks, it.mk) then
        r = {0, redis.call('HGET', outbox, it.af) or redis.call('HGET', lastOutbox, it.af) or ''}
      else
        local holds = true
        for _, g in ipairs(it.g) do
          local _, state = split(entry(g[1], g[2], g[3]))
          if state ~= g[4] then holds = false break end
        end
        if not holds then
          r = 6
        else
          for _, s in ipairs(it.st) do
            if s[1] == it.f then ownState = s[4]
            else
              local otherMarks = split(entry(s[1], s[2], s[3]))
              put(s[2], s[1], otherMarks, s[4])
            end
          end
          -- An order has a handful of events; keep its last 64 marks at most.
          marks = marks .. it.mk
          if #marks > 512 then marks = string.sub(marks, #marks - 511) end
          put(it.c, it.f, marks, ownState)
          for _, op in ipairs(it.ops) do redis.call('HINCRBY', KEYS[op[1]], op[2], op[3]) end
          processed = processed + 1
          if it.o > 0 then
            redis.call('HSET', outbox, it.af, ARGV[it.o])
            outboxWritten = true
          end
          if it.au > 0 then
            local fields = audited[it.au]
            if not fields then fields = {} audited[it.au] = fields end
            fields[#fields + 1] = it.af
          end
          r = 1
          if head == it.e then
            if firstParkedId(parked) == it.e then redis.call('LPOP', parked) end
            local nxt = redis.call('LINDEX', parked, 0)
            if nxt then
              block(it.k, cjson.decode(nxt).id)
              r = {1, nxt}
            else
              unblock(it.k)
            end
          end
        end
      end
    end
    out[#out + 1] = r
  end
  if blockedWritten then redis.call('EXPIREAT', blocked, expireAt) end
  if outboxWritten then redis.call('EXPIREAT', outbox, expireAt) end
  if processed > 0 then redis.call('HINCRBY', stats, 'processed', processed) end
  if parkedCount > 0 then redis.call('HINCRBY', stats, 'parked', parkedCount) end
end
for _, shard in ipairs(shards) do commitShard(shard.x, shard.i) end
for c in pairs(written) do redis.call('EXPIREAT', KEYS[c], expireAt) end
for a, fields in pairs(audited) do
  redis.call('APPEND', KEYS[a], table.concat(fields))
  redis.call('EXPIRE', KEYS[a], auditSec)
end
return out
`;

/* What a shard's batch needs before it runs: each order's entry (and the outbox of an event already applied), each key's blocking head. KEYS[1..2] blocked, KEYS[3..4] outboxes, as in COMMIT. */
const READ = `${ENTRY}
local a = cjson.decode(ARGV[1])
local entries = {}
for i, q in ipairs(a.q) do
  local v = entry(q[1], q[2], q[3])
  local marks = split(v)
  local done = q[4] ~= '' and hasMark(marks, q[4])
  entries[i] = {v, done and 1 or 0, done and (redis.call('HGET', KEYS[3], q[5]) or redis.call('HGET', KEYS[4], q[5]) or '') or ''}
end
local heads = {}
for i, k in ipairs(a.k) do heads[i] = redis.call('HGET', KEYS[1], k) or redis.call('HGET', KEYS[2], k) or '' end
return {entries, heads}
`;

// The Buffer variants (ioredis defines them per script) keep binary outboxes intact.
type ScriptClient = RedisClient & {
  sfCommitBuffer(numKeys: number, ...args: Array<string | Buffer>): Promise<Array<number | [number, Buffer]>>;
  sfReadBuffer(numKeys: number, ...args: string[]): Promise<[Array<[Buffer, number, Buffer]>, Buffer[]]>;
};

/** The declared keys of one script call, numbered as the script's KEYS (1-based). */
class KeyTable {
  readonly keys: string[];
  private readonly index = new Map<string, number>();
  constructor(...fixed: string[]) {
    this.keys = [];
    for (const k of fixed) this.of(k);
  }
  of(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      this.keys.push(key);
      this.index.set(key, (i = this.keys.length));
    }
    return i;
  }
}

export interface RedisStoreOptions {
  /** Asked for explicitly (--state-buckets); without it a service keeps the layout it recorded, else the default. */
  layout?: StoreLayout;
  /**
   * Replicas that must hold a batch's writes before its Kafka commit (Redis WAIT), on every
   * master, at most as many as that master has (see redis-replica-wait.ts): a mark acknowledged
   * by a master that dies before replicating it would otherwise be lost while its offset is
   * committed. 'auto' (the default): 1 on a cluster, and on a single Redis that has replicas; 0: never wait.
   */
  waitReplicas?: number | 'auto';
  waitTimeoutMs?: number;
  /** Where a master running without a replica is reported (default: stderr). */
  warn?: (message: string) => void;
  log?: (message: string) => void;
  /** Keep the services' state apart in this namespace (see storeScope); default: the services' own keys. */
  namespace?: string;
}

export class RedisEffectStore implements EffectStore {
  readonly kind = 'redis';
  private readonly recorded = new Map<string, StoreLayout>();

  private constructor(
    private readonly redis: ScriptClient,
    private readonly layout: StoreLayout | undefined,
    /** Replicas to wait for on each master after each commit, at most (0: none). */
    readonly waitReplicas: number,
    private readonly replicas: ReplicaWait,
    private readonly namespace: string | undefined,
  ) {}

  static async connect(url: string, opts: RedisStoreOptions = {}): Promise<RedisEffectStore> {
    const redis = await connectRedis(url);
    try {
      redis.defineCommand('sfCommit', { lua: COMMIT });
      redis.defineCommand('sfRead', { lua: READ });
      const wanted = opts.waitReplicas ?? 'auto';
      if (wanted !== 'auto' && !(Number.isInteger(wanted) && wanted >= 0)) throw new UsageError(`replicas to wait for must be an integer >= 0 or auto, got ${wanted}`);
      // A cluster's slot map may not list a replica yet that is still syncing: there 'auto' is 1
      // from the start, and a master without one is reported and skipped (redis-replica-wait.ts).
      const max = wanted === 'auto' ? (isCluster(redis) || (await anyReplica(redis)) ? 1 : 0) : wanted;
      const replicas = await ReplicaWait.start(redis, {
        max,
        timeoutMs: opts.waitTimeoutMs ?? 2_000,
        warn: opts.warn ?? ((m) => process.stderr.write(`warning: ${m}\n`)),
        log: opts.log ?? ((m) => process.stderr.write(`${m}\n`)),
      });
      return new RedisEffectStore(redis as ScriptClient, opts.layout, max, replicas, opts.namespace);
    } catch (err) {
      redis.disconnect();
      throw err;
    }
  }

  /** Replicas each master has now (by address), as the WAIT after each batch counts them. */
  replicasByMaster(): Map<string, number> {
    return this.replicas.replicasByMaster();
  }

  /** Batches that waited for replicas so far, and how long they waited. */
  replicaWaitStats(): ReplicaWaitStats {
    return { ...this.replicas.stats };
  }

  /** The key prefix of one shard of a service's state (in the store's namespace, if any). */
  private base(service: string, shard: number): string {
    return shardBase(storeScope(service, this.namespace), shard);
  }

  async preRead(service: string, refs: EventRef[], opts: CommitOptions): Promise<PreRead> {
    const pre: PreRead = { done: new Map(), orders: new Map(), blockedBy: new Map() };
    const gen = generationOf(Date.now(), opts.windowSec);
    const fields = new FieldMemo();
    const packer = statePackerFor(service);
    const layout = this.layoutOf(service);
    await retriable(Promise.all(
      [...groupByShard(refs, (r) => r.key)].map(async ([shard, shardRefs]) => {
        const base = this.base(service, shard);
        const table = new KeyTable(keyNames.blocked(base, gen), keyNames.blocked(base, gen - 1), keyNames.outbox(base, gen), keyNames.outbox(base, gen - 1));
        const stateKeys = stateKeysOf(table, base, gen, layout, fields);
        const keys = [...new Set(shardRefs.map((r) => r.key))];
        const q = shardRefs.map((r) => [...stateKeys(r.orderId), r.eventId ? eventMark(r.eventId) : '', r.eventId ? fields.of(r.eventId) : '']);
        const [entries, heads] = await this.redis.sfReadBuffer(table.keys.length, ...table.keys, JSON.stringify({ q, k: keys }));
        shardRefs.forEach((r, i) => {
          const [value, done, outbox] = entries[i]!;
          const state = value.subarray(value.indexOf(BAR) + 1);
          if (state.length) pre.orders.set(r.orderId, JSON.parse(packer.unpack(state.toString())) as Record<string, unknown>);
          if (done && r.eventId) pre.done.set(r.eventId, outbox.length ? outbox : null);
        });
        keys.forEach((k, i) => heads[i]!.length && pre.blockedBy.set(k, heads[i]!.toString()));
      }),
    ));
    return pre;
  }

  async commit(service: string, items: CommitItem[], opts: CommitOptions): Promise<CommitResult[]> {
    const results: CommitResult[] = new Array(items.length);
    const gen = generationOf(Date.now(), opts.windowSec);
    const fields = new FieldMemo();
    const packer = statePackerFor(service);
    const layout = this.layoutOf(service);
    const byShard = groupByShard(
      items.map((item, i) => ({ item, i })),
      (x) => x.item.key,
    );
    // The masters as they are before the first write: any of them that is gone by the WAIT may have lost it.
    const targets = this.replicas.targets();
    await retriable(Promise.all(
      scriptCalls([...byShard], isCluster(this.redis)).map(async (shards) => {
        const table = new KeyTable();
        // Outboxes travel as binary arguments after the four fixed ones.
        const outboxes: Buffer[] = [];
        // Where each answer goes: items in the order the script meets them, shard after shard.
        const order: number[] = [];
        const encodedShards = shards.map(([shard, shardItems]) => {
          const base = this.base(service, shard);
          const x = [keyNames.stats(base), keyNames.blocked(base, gen), keyNames.blocked(base, gen - 1), keyNames.outbox(base, gen), keyNames.outbox(base, gen - 1)].map((k) => table.of(k));
          const stateKeys = stateKeysOf(table, base, gen, layout, fields);
          const parked = (key: string) => table.of(keyNames.parked(base, key));
          const encoded = shardItems.map(({ item, i }) => {
            order.push(i);
            if (item.mode === 'forward') return { m: 'f', e: item.eventId, k: item.key, pk: parked(item.key) };
            if (item.mode === 'park') return { m: 'p', e: item.eventId, k: item.key, pk: parked(item.key), pm: table.of(keyNames.parkMark(base, item.eventId)), r: item.record };
            const [f, c, p] = stateKeys(item.orderId);
            return {
              m: 'a',
              e: item.eventId,
              k: item.key,
              pk: item.head ? parked(item.key) : 0,
              mk: eventMark(item.eventId),
              f,
              c,
              p,
              st: item.states.map(([id, state]) => [...stateKeys(id), packer.pack(state)]),
              g: item.guards.map(([id, expected]) => [...stateKeys(id), packer.pack(expected)]),
              ops: item.ops.map(([, counter, field, by]) => [table.of(keyNames.counter(base, counter)), field, by]),
              o: item.outbox.length ? 4 + outboxes.push(item.outbox) : 0,
              au: item.runId ? table.of(keyNames.audit(base, item.runId)) : 0,
              af: fields.of(item.eventId),
            };
          });
          return { x, i: encoded };
        });
        const raw = await this.redis.sfCommitBuffer(
          table.keys.length,
          ...table.keys,
          JSON.stringify(encodedShards),
          String(opts.windowSec),
          String(generationExpiresAt(gen, opts.windowSec)),
          String(opts.auditSec),
          ...outboxes,
        );
        raw.forEach((r, j) => (results[order[j]!] = commitResult(r)));
      }),
    ));
    // WAIT covers this connection's writes: a batch that wrote nothing has nothing to wait for.
    if (items.length > 0) await this.replicas.waitFor(targets);
    return results;
  }

  async release(service: string, events: Array<{ eventId: string; key: string }>, opts: CommitOptions): Promise<void> {
    // In the hash of the commit's generation, seconds ago: this one's, or the last if this one just began.
    const now = Date.now();
    const gen = generationOf(now, opts.windowSec);
    const gens = now / 1000 - gen * opts.windowSec < 120 ? [gen, gen - 1] : [gen];
    await Promise.all(
      [...groupByShard(events, (e) => e.key)].flatMap(([shard, list]) => {
        const fields = list.map((e) => orderField(e.eventId));
        return gens.map((g) => this.redis.hdel(keyNames.outbox(this.base(service, shard), g), ...fields));
      }),
    );
  }

  async effectCounts(service: string, runId: string): Promise<EffectCounts> {
    const counts = new Map<string, number>();
    const appended = await Promise.all(allShards().map((s) => this.redis.get(keyNames.audit(this.base(service, s), runId))));
    for (const fields of appended) {
      for (let at = 0; fields && at < fields.length; at += FIELD_CHARS) {
        const field = fields.slice(at, at + FIELD_CHARS);
        counts.set(field, (counts.get(field) ?? 0) + 1);
      }
    }
    // Counted by the event's field (its id's 72 bits), not by its whole id.
    return { get: (eventId) => counts.get(orderField(eventId)) };
  }

  async orderStates(service: string, orders: Array<{ orderId: string; key: string }>, opts: CommitOptions): Promise<Map<string, Record<string, unknown>>> {
    const states = new Map<string, Record<string, unknown>>();
    // A run of 100,000 orders asks in slices, so no script holds Redis for long.
    for (let i = 0; i < orders.length; i += 5_000) {
      const pre = await this.preRead(service, orders.slice(i, i + 5_000), opts);
      for (const [id, s] of pre.orders) states.set(id, s);
    }
    return states;
  }

  async stats(service: string): Promise<ServiceStats> {
    const shards = allShards().map((s) => this.base(service, s));
    const window = (await this.adoptRecordedLayout(service)) ?? DEFAULT_WINDOW_SEC;
    const gen = generationOf(Date.now(), window);
    const blockedKeys = shards.flatMap((b) => [keyNames.blocked(b, gen), keyNames.blocked(b, gen - 1)]);
    const [stats, blocked] = await Promise.all([Promise.all(shards.map((b) => this.redis.hgetall(keyNames.stats(b)))), Promise.all(blockedKeys.map((k) => this.redis.hlen(k)))]);
    const sum = (field: string) => stats.reduce((n, s) => n + Number(s[field] ?? 0), 0);
    return { processed: sum('processed'), parked: sum('parked'), blockedKeys: blocked.reduce((a, b) => a + b, 0) };
  }


  /**
   * The layout a service's state was written with (dedup window, buckets): recorded by the
   * first process, checked by every later one, since a different window or bucket count would
   * look for orders where they are not and apply replays again. `verify` reads it.
   */
  async recordLayout(service: string, windowSec: number): Promise<void> {
    const asked = this.layout?.buckets;
    const key = `${this.base(service, 0)}layout`;
    await this.redis.set(key, JSON.stringify({ windowSec, buckets: asked ?? DEFAULT_BUCKETS }), 'NX');
    const h = JSON.parse((await this.redis.get(key))!) as { windowSec: number; buckets: number };
    if (h.windowSec !== windowSec || (asked !== undefined && h.buckets !== asked)) {
      throw new UsageError(
        `the ${service} service's state in Redis${this.namespace ? ` (store namespace ${this.namespace})` : ''} was written with a dedup window of ${h.windowSec} s and ${h.buckets} buckets; this run asks for ${windowSec} s and ${asked ?? h.buckets}`,
        `run with --dedup-ttl ${h.windowSec}s${asked !== undefined && h.buckets !== asked ? ` --state-buckets ${h.buckets}` : ''}, or start from an empty store (its dedup marks are then gone), or keep a separate copy with --store-namespace NAME`,
      );
    }
    this.recorded.set(service, { buckets: h.buckets });
  }

  /** Read a service's state as it was written (verify): its recorded buckets, and its window. */
  async adoptRecordedLayout(service: string): Promise<number | undefined> {
    const have = await this.redis.get(`${this.base(service, 0)}layout`);
    if (!have) return undefined;
    const recorded = JSON.parse(have) as { windowSec: number; buckets: number };
    this.recorded.set(service, { buckets: recorded.buckets });
    return recorded.windowSec;
  }

  private layoutOf(service: string): StoreLayout {
    return this.recorded.get(service) ?? this.layout ?? { buckets: DEFAULT_BUCKETS };
  }

  async close(): Promise<void> {
    this.replicas.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * A Redis failure mid-batch (too many redirections through a failover, a connection closed) is
 * retriable: the batch is not committed to Kafka, so it is redelivered and the marks it finds
 * say what was applied.
 */
async function retriable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof StreamflowError) throw err;
    throw new StoreError(`Redis failed the batch (${(err as Error).message}): it is not committed to Kafka and will be redelivered`);
  }
}

function commitResult(r: number | [number, Buffer]): CommitResult {
  if (r === 1) return { status: 'applied' };
  if (r === 2) return { status: 'parked' };
  if (r === 3) return { status: 'forwarded' };
  if (r === 4) return { status: 'unblocked' };
  if (r === 5) return { status: 'blocked' };
  if (r === 6) return { status: 'conflict' };
  const [code, payload] = r as [number, Buffer];
  return code === 1 ? { status: 'applied', next: JSON.parse(payload.toString()) as ParkedRecord } : { status: 'duplicate', outbox: payload.length ? payload : null };
}

const BAR = '|'.charCodeAt(0);

/** An order's field, computed once per call however many items name the order. */
class FieldMemo {
  private readonly fields = new Map<string, string>();
  of(orderId: string): string {
    let f = this.fields.get(orderId);
    if (f === undefined) this.fields.set(orderId, (f = orderField(orderId)));
    return f;
  }
}

/** An order's field and its bucket's two hashes (this generation's, the last's), each bucket declared once per call. */
function stateKeysOf(table: KeyTable, base: string, gen: number, layout: StoreLayout, fields: FieldMemo): (orderId: string) => [string, number, number] {
  const buckets = new Map<number, [number, number]>();
  return (orderId) => {
    const f = fields.of(orderId);
    const b = bucketOf(f, layout);
    let keys = buckets.get(b);
    if (!keys) buckets.set(b, (keys = [table.of(keyNames.state(base, gen, b)), table.of(keyNames.state(base, gen - 1, b))]));
    return [f, keys[0], keys[1]];
  };
}

/**
 * The script calls a batch takes: on a cluster one per shard (a call's keys share one slot);
 * on a single Redis shards share calls of some SCRIPT_ITEMS items, so a batch is a few calls,
 * each short enough not to hold Redis up for the other services.
 */
function scriptCalls<T>(shards: Array<[number, T[]]>, cluster: boolean): Array<Array<[number, T[]]>> {
  if (cluster) return shards.map((s) => [s]);
  const calls: Array<Array<[number, T[]]>> = [];
  let items = SCRIPT_ITEMS;
  for (const s of shards) {
    if (items >= SCRIPT_ITEMS) {
      calls.push([]);
      items = 0;
    }
    calls.at(-1)!.push(s);
    items += s[1].length;
  }
  return calls;
}

const SCRIPT_ITEMS = 500;

function groupByShard<T>(list: T[], keyOf: (t: T) => string): Map<number, T[]> {
  const by = new Map<number, T[]>();
  for (const t of list) {
    const s = shardOf(keyOf(t));
    const l = by.get(s);
    if (l) l.push(t);
    else by.set(s, [t]);
  }
  return by;
}

function allShards(): number[] {
  return Array.from({ length: SHARDS }, (_, i) => i);
}

