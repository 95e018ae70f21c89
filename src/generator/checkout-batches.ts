import type { OutRecord } from '../kafka/producer.js';
import { CheckoutRecordEncoder } from './checkout-records.js';
import type { CheckoutCodec } from './produce-checkout.js';
import { type ManifestEntries, addDuplicateEntry, addPoisonEntry, addValidEntry, newManifestEntries } from './run-manifest.js';
import { type TrafficOptions, TrafficPlan } from './traffic-plan.js';

/** The next batch of a run, as the send loop decides it. */
export interface BatchRequest {
  count: number;
  /** Records the run may still write, counting this batch (Infinity for a timed run). */
  remaining: number;
  /** The run's time is up: only what the plan owes (cancellations, duplicates) is written. */
  timeUp: boolean;
  now: number;
}

/**
 * One batch in a form that crosses threads by transfer, not by copy: per record its key, value,
 * event_id and traceparent back to back in `bytes`, the end of each in `ends`, the event type in
 * `types`; with the batch's manifest entries and what the plan still owes after it.
 */
export interface PackedBatch {
  bytes: Uint8Array;
  ends: Int32Array;
  types: Uint8Array;
  entries: ManifestEntries;
  pendingCount: number;
}

const EVENT_TYPES = ['OrderCreated', 'OrderCancelled'] as const;
const FIELDS = 4;

/** A run's traffic plan and record encoder, batch by batch (in the synthesis worker, or up front in the benchmark). */
export class CheckoutBatchEncoder {
  private readonly plan: TrafficPlan;
  private readonly records: CheckoutRecordEncoder;
  private bytes = Buffer.allocUnsafeSlow(0);
  private used = 0;

  constructor(codec: CheckoutCodec, opts: TrafficOptions & { runId: string }) {
    this.plan = new TrafficPlan(opts);
    this.records = new CheckoutRecordEncoder(codec, opts.runId, opts.seed);
  }

  next(req: BatchRequest): PackedBatch {
    const entries = newManifestEntries();
    const types = new Uint8Array(req.count);
    const ends = new Int32Array(req.count * FIELDS);
    // Its own ArrayBuffer (not the shared pool), so it can be transferred.
    this.bytes = Buffer.allocUnsafeSlow(req.count * 512);
    this.used = 0;
    for (let i = 0; i < req.count; i++) {
      const r = this.plan.next(req.now, req.timeUp ? this.plan.pendingCount : req.remaining - i);
      const out = this.records.encode(r);
      if (r.kind === 'valid') addValidEntry(entries, r.eventId, r.eventType, r.orderId, r.key);
      else if (r.kind === 'duplicate') addDuplicateEntry(entries);
      else addPoisonEntry(entries, r.eventId, r.poison, r.orderId);
      const h = out.headers as { event_type: (typeof EVENT_TYPES)[number]; event_id: string; traceparent: string };
      types[i] = h.event_type === 'OrderCreated' ? 0 : 1;
      ends[i * FIELDS] = this.put(out.key);
      ends[i * FIELDS + 1] = this.put(out.value);
      ends[i * FIELDS + 2] = this.put(h.event_id);
      ends[i * FIELDS + 3] = this.put(h.traceparent);
    }
    return { bytes: this.bytes.subarray(0, this.used), ends, types, entries, pendingCount: this.plan.pendingCount };
  }

  private put(field: string | Buffer): number {
    const room = typeof field === 'string' ? field.length * 3 : field.length;
    if (this.used + room > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(2 * (this.used + room));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.used += typeof field === 'string' ? this.bytes.write(field, this.used, 'utf8') : field.copy(this.bytes, this.used);
    return this.used;
  }
}

/** The records of a packed batch, as kafkajs sends them: views of its bytes, no copies. */
export function unpackRecords(batch: PackedBatch, runId: string): OutRecord[] {
  const bytes = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
  const { ends, types } = batch;
  const records: OutRecord[] = new Array(types.length);
  let start = 0;
  for (let i = 0; i < types.length; i++) {
    const at = i * FIELDS;
    records[i] = {
      key: bytes.subarray(start, ends[at]),
      value: bytes.subarray(ends[at]!, ends[at + 1]),
      headers: { event_type: EVENT_TYPES[types[i]!]!, event_id: bytes.subarray(ends[at + 1]!, ends[at + 2]), traceparent: bytes.subarray(ends[at + 2]!, ends[at + 3]), run_id: runId },
    };
    start = ends[at + 3]!;
  }
  return records;
}
