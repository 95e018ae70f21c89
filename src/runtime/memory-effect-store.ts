import type { CommitItem, CommitOptions, CommitResult, EffectCounts, EffectStore, EventRef, ParkedRecord, PreRead, ServiceStats } from './effect-store.js';

interface Order {
  /** Applied event ids -> when their mark expires (ms). */
  marks: Map<string, number>;
  state: string;
  expires: number;
}

interface ServiceState {
  orders: Map<string, Order>;
  outbox: Map<string, Buffer>;
  blocked: Map<string, string>;
  parked: Map<string, string[]>;
  parkMarks: Set<string>;
  counters: Map<string, Map<string, number>>;
  audit: Map<string, Map<string, number>>;
  stats: ServiceStats;
}

/**
 * The embedded store for a single process (no Redis): the same semantics as the Redis
 * scripts, kept in memory. Effects do not survive the process, so it suits demos and tests of
 * one consumer, not scale-out or crash recovery.
 */
export class MemoryEffectStore implements EffectStore {
  readonly kind = 'memory';
  private readonly services = new Map<string, ServiceState>();

  async preRead(service: string, refs: EventRef[]): Promise<PreRead> {
    const s = this.service(service);
    const pre: PreRead = { done: new Map(), orders: new Map(), blockedBy: new Map() };
    for (const r of refs) {
      const order = this.order(s, r.orderId);
      if (order?.state) pre.orders.set(r.orderId, JSON.parse(order.state) as Record<string, unknown>);
      if (r.eventId && order && (order.marks.get(r.eventId) ?? 0) > Date.now()) pre.done.set(r.eventId, s.outbox.get(r.eventId) ?? null);
      const head = s.blocked.get(r.key);
      if (head) pre.blockedBy.set(r.key, head);
    }
    return pre;
  }

  async commit(service: string, items: CommitItem[], opts: CommitOptions): Promise<CommitResult[]> {
    const s = this.service(service);
    const now = Date.now();
    const expires = now + opts.windowSec * 1000;
    return items.map((it): CommitResult => {
      const head = s.blocked.get(it.key);
      const parked = s.parked.get(it.key) ?? [];
      s.parked.set(it.key, parked);
      const firstId = () => (parked[0] ? (JSON.parse(parked[0]) as ParkedRecord).id : undefined);
      if (it.mode === 'forward') {
        s.blocked.set(it.key, it.eventId);
        if (firstId() === it.eventId) parked.shift();
        return { status: 'forwarded' };
      }
      if (it.mode === 'park') {
        if (!head || head === it.eventId) return { status: 'unblocked' };
        if (!s.parkMarks.has(it.eventId)) {
          s.parkMarks.add(it.eventId);
          parked.push(it.record);
          s.stats.parked++;
        }
        return { status: 'parked' };
      }
      if (head && head !== it.eventId) return { status: 'blocked' };
      const own = this.order(s, it.orderId);
      if (own && (own.marks.get(it.eventId) ?? 0) > now) return { status: 'duplicate', outbox: s.outbox.get(it.eventId) ?? null };
      if (it.guards.some(([id, expected]) => (this.order(s, id)?.state ?? '') !== expected)) return { status: 'conflict' };
      const write = (id: string) => {
        const o = this.order(s, id) ?? { marks: new Map(), state: '', expires };
        o.expires = expires;
        s.orders.set(id, o);
        return o;
      };
      for (const [id, state] of it.states) write(id).state = state;
      write(it.orderId).marks.set(it.eventId, expires);
      for (const [, counter, field, by] of it.ops) {
        const c = s.counters.get(counter) ?? new Map<string, number>();
        s.counters.set(counter, c.set(field, (c.get(field) ?? 0) + by));
      }
      s.stats.processed++;
      if (it.outbox.length) s.outbox.set(it.eventId, it.outbox);
      if (it.runId) {
        const a = s.audit.get(it.runId) ?? new Map<string, number>();
        s.audit.set(it.runId, a.set(it.eventId, (a.get(it.eventId) ?? 0) + 1));
      }
      if (head !== it.eventId) return { status: 'applied' };
      if (firstId() === it.eventId) parked.shift();
      if (!parked[0]) {
        s.blocked.delete(it.key);
        return { status: 'applied' };
      }
      const next = JSON.parse(parked[0]) as ParkedRecord;
      s.blocked.set(it.key, next.id);
      return { status: 'applied', next };
    });
  }

  async release(service: string, events: Array<{ eventId: string }>): Promise<void> {
    const s = this.service(service);
    for (const e of events) s.outbox.delete(e.eventId);
  }

  async effectCounts(service: string, runId: string): Promise<EffectCounts> {
    return new Map(this.service(service).audit.get(runId) ?? []);
  }

  async orderStates(service: string, orders: Array<{ orderId: string; key: string }>): Promise<Map<string, Record<string, unknown>>> {
    return (await this.preRead(service, orders)).orders;
  }

  async stats(service: string): Promise<ServiceStats> {
    const s = this.service(service);
    return { ...s.stats, blockedKeys: s.blocked.size };
  }


  async close(): Promise<void> {}

  private service(name: string): ServiceState {
    let s = this.services.get(name);
    if (!s) {
      s = { orders: new Map(), outbox: new Map(), blocked: new Map(), parked: new Map(), parkMarks: new Set(), counters: new Map(), audit: new Map(), stats: { processed: 0, parked: 0, blockedKeys: 0 } };
      this.services.set(name, s);
    }
    return s;
  }

  /** An order's entry while its dedup window lasts. */
  private order(s: ServiceState, id: string): Order | undefined {
    const o = s.orders.get(id);
    if (o && o.expires <= Date.now()) {
      s.orders.delete(id);
      return undefined;
    }
    return o;
  }
}
