import { CheckoutModel, type OrderCancelled, type OrderCreated } from './checkout-model.js';

export const POISON_KINDS = ['bad-magic-byte', 'unknown-schema-id', 'truncated-avro', 'invalid-business'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

export type KeyBy = 'order_id' | 'user_id';

/** One record the generator will write, before encoding. */
export type PlannedRecord =
  | { kind: 'valid'; eventType: 'OrderCreated'; value: OrderCreated; key: string; eventId: string; orderId: string; resent?: true }
  | { kind: 'valid'; eventType: 'OrderCancelled'; value: OrderCancelled; key: string; eventId: string; orderId: string; resent?: true }
  | { kind: 'duplicate'; original: Extract<PlannedRecord, { kind: 'valid' }> }
  | { kind: 'poison'; poison: PoisonKind; eventType: 'OrderCreated'; value: OrderCreated; key: string; eventId: string; orderId: string };

export type ValidRecord = Extract<PlannedRecord, { kind: 'valid' }>;

export interface TrafficOptions {
  seed: number;
  users: number;
  cancelShare: number;
  duplicates: number;
  poison: number;
  keyBy: KeyBy;
  producer: string;
}

interface Pending {
  dueAt: number;
  record: PlannedRecord;
}

/**
 * The sequence of records of a run: orders, their later cancellations on the same key,
 * resent duplicates and poison records, interleaved the way production traffic would be.
 * Pure and seeded: the same options give the same records in the same order.
 */
export class TrafficPlan {
  private readonly model: CheckoutModel;
  private readonly pending: Pending[] = [];
  private step = 0;
  private poisonTurn = 0;

  constructor(private readonly opts: TrafficOptions) {
    this.model = new CheckoutModel({ seed: opts.seed, users: opts.users, cancelShare: opts.cancelShare, producer: opts.producer });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * The next record. With `remaining` set (a --count run), queued cancellations and
   * duplicates are flushed before the run ends, and none is scheduled that could not fit.
   */
  next(now: number, remaining = Infinity): PlannedRecord {
    this.step++;
    // The queue is ordered by due step, so its head is the one due (or owed) first.
    if (this.pending.length > 0 && (this.pending[0]!.dueAt <= this.step || remaining <= this.pending.length)) {
      return this.pending.shift()!.record;
    }
    const rng = this.model.random;
    const room = remaining - this.pending.length - 1;
    if (rng.chance(this.opts.poison)) return this.poisonRecord(now);

    const { created, cancelled } = this.model.nextOrder(now);
    const record = this.valid('OrderCreated', created) as ValidRecord;
    if (cancelled && room >= 1) this.schedule(this.valid('OrderCancelled', cancelled) as ValidRecord, rng.int(5, 200));
    if (rng.chance(this.opts.duplicates) && room >= 2) {
      record.resent = true;
      this.schedule({ kind: 'duplicate', original: record }, rng.int(1, 50));
    }
    return record;
  }

  private valid(eventType: 'OrderCreated' | 'OrderCancelled', value: OrderCreated | OrderCancelled): PlannedRecord {
    const key = this.opts.keyBy === 'order_id' ? value.order_id : value.user_id;
    return { kind: 'valid', eventType, value, key, eventId: value.envelope.event_id, orderId: value.order_id } as PlannedRecord;
  }

  private schedule(record: PlannedRecord, afterSteps: number): void {
    // Cancellations must come after their order, duplicates after the original: both are
    // scheduled later than the current step, and the queue is served earliest-due first
    // (entries due at the same step in the order they were scheduled).
    const dueAt = this.step + afterSteps;
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pending[mid]!.dueAt <= dueAt) lo = mid + 1;
      else hi = mid;
    }
    this.pending.splice(lo, 0, { dueAt, record });
  }

  private poisonRecord(now: number): PlannedRecord {
    const { created } = this.model.nextOrder(now);
    const poison = POISON_KINDS[this.poisonTurn++ % POISON_KINDS.length]!;
    if (poison === 'invalid-business') {
      // Valid Avro that no service may accept: a negative amount.
      created.total_minor = -Math.max(1, created.total_minor);
      created.items[0]!.unit_price_minor = -Math.abs(created.items[0]!.unit_price_minor);
    }
    const key = this.opts.keyBy === 'order_id' ? created.order_id : created.user_id;
    return { kind: 'poison', poison, eventType: 'OrderCreated', value: created, key, eventId: created.envelope.event_id, orderId: created.order_id };
  }
}
