import { type CommitItem, type CommitResult, type EffectStore, type ParkedRecord, type PreRead, type ServiceStats, prefix } from './effect-store.js';

/**
 * The embedded store for a single process (no Redis): the same semantics as the Redis Lua
 * script, kept in memory. Effects do not survive the process, so it suits demos and tests of
 * one consumer, not scale-out or crash recovery.
 */
export class MemoryEffectStore implements EffectStore {
  readonly kind = 'memory';
  private readonly hashes = new Map<string, Map<string, string>>();
  private readonly marks = new Map<string, number>(); // key -> expiry (ms)
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, string[]>();

  async preRead(service: string, eventIds: string[], orderIds: string[], keys: string[]): Promise<PreRead> {
    const p = prefix(service);
    const pre: PreRead = { done: new Map(), orders: new Map(), blockedBy: new Map() };
    for (const id of eventIds) if (this.marked(`${p}done:${id}`)) pre.done.set(id, this.strings.get(`${p}outbox:${id}`) ?? null);
    for (const id of orderIds) {
      const s = this.hash(`${p}orders`).get(id);
      if (s) pre.orders.set(id, JSON.parse(s) as Record<string, unknown>);
    }
    for (const k of keys) {
      const head = this.hash(`${p}blocked`).get(k);
      if (head) pre.blockedBy.set(k, head);
    }
    return pre;
  }

  async commit(service: string, items: CommitItem[], ttlSec: number): Promise<CommitResult[]> {
    const p = prefix(service);
    const blocked = this.hash(`${p}blocked`);
    const stats = this.hash(`${p}stats`);
    const incr = (h: Map<string, string>, f: string, n: number) => h.set(f, String(Number(h.get(f) ?? 0) + n));
    return items.map((it): CommitResult => {
      const head = blocked.get(it.key);
      const parked = this.list(`${p}parked:${it.key}`);
      const firstId = () => (parked[0] ? (JSON.parse(parked[0]) as ParkedRecord).id : undefined);
      if (it.mode === 'forward') {
        blocked.set(it.key, it.eventId);
        if (firstId() === it.eventId) parked.shift();
        return { status: 'forwarded' };
      }
      if (it.mode === 'park') {
        if (!head || head === it.eventId) return { status: 'unblocked' };
        if (this.mark(`${p}parkmark:${it.eventId}`, ttlSec)) {
          parked.push(it.record);
          incr(stats, 'parked', 1);
        }
        return { status: 'parked' };
      }
      if (head && head !== it.eventId) return { status: 'blocked' };
      if (!this.marked(`${p}done:${it.eventId}`) && it.guards.some(([h, f, expected]) => (this.hash(h).get(f) ?? '') !== expected)) return { status: 'conflict' };
      if (!this.mark(`${p}done:${it.eventId}`, ttlSec)) return { status: 'duplicate', outbox: this.strings.get(`${p}outbox:${it.eventId}`) ?? null };
      for (const op of it.ops) {
        if (op[0] === 'HSET') this.hash(op[1]).set(op[2], op[3]);
        else if (op[0] === 'HINCRBY') incr(this.hash(op[1]), op[2], op[3]);
        else this.strings.set(op[1], String(Number(this.strings.get(op[1]) ?? 0) + op[2]));
      }
      incr(this.hash(`${p}effects`), it.eventId, 1);
      incr(stats, 'processed', 1);
      this.strings.set(`${p}outbox:${it.eventId}`, it.outbox);
      if (head !== it.eventId) return { status: 'applied' };
      if (firstId() === it.eventId) parked.shift();
      if (!parked[0]) {
        blocked.delete(it.key);
        return { status: 'applied' };
      }
      const next = JSON.parse(parked[0]) as ParkedRecord;
      blocked.set(it.key, next.id);
      return { status: 'applied', next };
    });
  }

  async effectCounts(service: string): Promise<Map<string, number>> {
    return new Map([...this.hash(`${prefix(service)}effects`)].map(([k, v]) => [k, Number(v)]));
  }

  async orderStates(service: string): Promise<Map<string, Record<string, unknown>>> {
    return new Map([...this.hash(`${prefix(service)}orders`)].map(([k, v]) => [k, JSON.parse(v) as Record<string, unknown>]));
  }

  async stats(service: string): Promise<ServiceStats> {
    const s = this.hash(`${prefix(service)}stats`);
    return { processed: Number(s.get('processed') ?? 0), parked: Number(s.get('parked') ?? 0), blockedKeys: this.hash(`${prefix(service)}blocked`).size };
  }

  async close(): Promise<void> {}

  private hash(key: string): Map<string, string> {
    let h = this.hashes.get(key);
    if (!h) this.hashes.set(key, (h = new Map()));
    return h;
  }

  private list(key: string): string[] {
    let l = this.lists.get(key);
    if (!l) this.lists.set(key, (l = []));
    return l;
  }

  private marked(key: string): boolean {
    const exp = this.marks.get(key);
    return exp !== undefined && exp > Date.now();
  }

  /** SET NX EX: true when the mark was not there. */
  private mark(key: string, ttlSec: number): boolean {
    if (this.marked(key)) return false;
    this.marks.set(key, Date.now() + ttlSec * 1000);
    return true;
  }
}
