import { isRetriable } from '../errors.js';
import { SPRING, STREAMFLOW, encodeDeadLetterHeaders } from '../dlq/dlq-headers.js';
import type { BatchRecord, ProducedRecord } from '../kafka/transactional-consumer.js';
import { derivedEventId } from './derived-ids.js';
import type { CommitItem, EffectStore, PreRead, StateGuard } from './effect-store.js';
import { fromParked, headerText, sagaStartedHeader, sagaStartedMs, toParked } from './batch-record.js';
import { decodeOutbox, encodeOutbox } from './outbox-codec.js';
import { type RetryPolicy, backoffMs } from './retry-policy.js';
import type { ServiceCounters } from './service-counters.js';
import type { StateCache } from './state-cache.js';
import { validateEvent } from './services/validate-event.js';
import { type Downstream, type InboundEvent, NonRetryableError, type OrderStates, type OutboundEvent, type ServiceHandler, type StoreOp } from './types.js';

/** Turns wire bytes into events and events into wire bytes (registered schemas only). */
export interface EventCodec {
  decode(value: Buffer): Promise<{ eventType: string; value: InboundEvent['value'] }>;
  encode(topic: string, eventType: string, value: Record<string, unknown>): Buffer;
}

export interface BatchContext {
  handler: ServiceHandler;
  store: EffectStore;
  codec: EventCodec;
  downstream: Downstream;
  retry: RetryPolicy;
  group: string;
  /** Where a failure goes next from this consumer: the next retry stage, or the DLQ. */
  failureTopic: string;
  dlqTopic: string;
  /** The dedup window: an order's marks and state are kept this long after its last event. */
  ttlSec: number;
  /** How long a generator run's effect counts are kept for `verify` (default 6 hours). */
  auditSec?: number;
  metrics: ServiceCounters;
  /** Told the saga age (ms since the saga's first record was written) of every event applied. */
  onSagaAge?: (ms: number) => void;
  /** States this consumer knows: a batch whose orders are all new or known needs one store round trip. */
  states?: StateCache;
  /** Where an emitted event is written (the benchmark redirects them off the checkout topics). */
  routeOutput?: (topic: string) => string;
}

/** A batch's outputs, and what to do once they and the batch's offsets are committed to Kafka. */
export interface BatchOutcome {
  outputs: ProducedRecord[];
  afterCommit(): Promise<void>;
}

interface Prepared {
  record: BatchRecord;
  key: string;
  event?: InboundEvent;
  /** A non-retryable failure found while decoding or validating. */
  error?: Error;
}

const DEFAULT_AUDIT_SEC = 6 * 3_600;

/**
 * Process one batch: decode and validate, skip what was already applied (re-emitting its
 * outbox), park what is blocked behind an unresolved event of the same key, run the service
 * with in-process retries, forward exhausted failures to the next retry stage or the DLQ,
 * and commit every effect with its dedup mark in one store round trip. Returns the records
 * to write in the same Kafka transaction as the batch's offsets.
 *
 * The first pass runs the handlers on the states this consumer knows (new orders have none)
 * without reading the store: the commit checks marks, blocking heads and every state read,
 * and what it sends back (duplicate, blocked, conflict) is settled by a pass that reads first.
 */
export async function processBatch(records: BatchRecord[], ctx: BatchContext): Promise<BatchOutcome> {
  const outputs: ProducedRecord[] = [];
  const opts = { windowSec: ctx.ttlSec, auditSec: ctx.auditSec ?? DEFAULT_AUDIT_SEC };
  // Outboxes to delete once the Kafka transaction holding their records has committed.
  const settled: Array<{ eventId: string; key: string }> = [];
  let pending = await Promise.all(records.map((r) => prepare(r, ctx)));
  // Orders a handler touched beyond the event's own order_id: read them too on a re-run.
  const extraOrders = new Map<string, string>();
  // Records the store sent back (state changed under us), with how often and its last answer.
  const sentBack = new Map<Prepared, { times: number; answer: string }>();
  for (let pass = 1; pending.length > 0; pass++) {
    const released: BatchRecord[] = [];
    const retryNow: Prepared[] = [];
    const events = pending.filter((p) => p.event);
    const pre: PreRead =
      pass === 1
        ? { done: new Map(), orders: cachedStates(events, ctx.states), blockedBy: new Map() }
        : await ctx.store.preRead(
            ctx.handler.service,
            [...events.map((p) => ({ eventId: p.event!.eventId, orderId: orderIdOf(p.event!), key: p.key })), ...[...extraOrders].map(([orderId, key]) => ({ orderId, key }))],
            opts,
          );
    const orders = new Map(pre.orders);
    const items: CommitItem[] = [];
    const plans: Array<{ prepared: Prepared; outbox?: ProducedRecord[]; states?: Array<[string, Record<string, unknown>]>; stateIds?: string[] }> = [];

    // Keys that fail in this batch block their later events in this batch too.
    const blocked = new Map(pre.blockedBy);
    for (const p of pending) {
      const blockedBy = blocked.get(p.key);
      // An undecodable record is known by its event_id header (if not empty), so a redriven copy is the same event.
      const eventId = p.event?.eventId || headerText(p.record, 'event_id') || `offset:${p.record.topic}:${p.record.partition}:${p.record.offset}`;
      // A type the service does not act on: nothing to apply, so nothing to mark either.
      if (p.event && ctx.handler.handles && !ctx.handler.handles.includes(p.event.eventType)) {
        ctx.metrics.processed++;
        continue;
      }
      if (p.event && pre.done.has(eventId)) {
        ctx.metrics.duplicates++;
        const outbox = pre.done.get(eventId) ?? null;
        outputs.push(...decodeOutbox(outbox));
        if (outbox) settled.push({ eventId, key: p.key });
        continue;
      }
      // Never fail the batch (it would come back the same and stop the partition): dead-letter
      // a record that does not settle, which also blocks its key so later events wait behind it.
      const back = sentBack.get(p);
      const giveUp = back !== undefined && back.times >= MAX_TRIES;
      if (blockedBy && blockedBy !== eventId && !giveUp) {
        items.push({ mode: 'park', eventId, key: p.key, record: JSON.stringify(toParked(p.record, eventId)) });
        plans.push({ prepared: p });
        continue;
      }
      const unsettled = giveUp ? new NonRetryableErrorNamed('UnsettledError', `no consistent commit after ${MAX_TRIES} tries (the store answered "${back.answer}")`) : undefined;
      const failure = p.error ?? unsettled ?? (await runWithRetries(p.event!, orders, ctx));
      if (failure instanceof Error) {
        const toDlq = failure instanceof NonRetryableError || !!p.error || ctx.failureTopic === ctx.dlqTopic;
        outputs.push(forward(p.record, failure, toDlq ? ctx.dlqTopic : ctx.failureTopic, ctx));
        if (toDlq) ctx.metrics.deadLettered++;
        else ctx.metrics.forwarded++;
        items.push({ mode: 'forward', eventId, key: p.key });
        blocked.set(p.key, eventId);
        plans.push({ prepared: p });
        continue;
      }
      const encoded = failure.outputs.map((o) => ({ topic: ctx.routeOutput?.(o.topic) ?? o.topic, key: o.key, value: ctx.codec.encode(o.topic, o.eventType, o.value), headers: eventHeaders(o, p.record) }));
      const runId = headerText(p.record, 'run_id');
      items.push({
        mode: 'apply',
        eventId,
        key: p.key,
        orderId: orderIdOf(p.event!),
        ops: failure.ops,
        states: failure.states.map(([id, state]) => [id, JSON.stringify(state)]),
        guards: failure.guards,
        outbox: encodeOutbox(encoded),
        ...(runId ? { runId } : {}),
        ...(blockedBy === eventId ? { head: true } : {}),
      });
      plans.push({ prepared: p, outbox: encoded, states: failure.states, stateIds: failure.guards.map(([id]) => id) });
    }

    const results = await ctx.store.commit(ctx.handler.service, items, opts);
    const appliedAt = Date.now();
    results.forEach((r, i) => {
      const plan = plans[i]!;
      const item = items[i]!;
      if (r.status === 'applied') {
        ctx.metrics.processed++;
        ctx.onSagaAge?.(appliedAt - sagaStartedMs(plan.prepared.record));
        outputs.push(...(plan.outbox ?? []));
        if (plan.outbox?.length) settled.push({ eventId: item.eventId, key: item.key });
        for (const [id, state] of plan.states ?? []) ctx.states?.set(id, state);
        if (r.next) released.push(fromParked(r.next));
      } else if (r.status === 'duplicate') {
        ctx.metrics.duplicates++;
        outputs.push(...decodeOutbox(r.outbox));
        if (r.outbox) settled.push({ eventId: item.eventId, key: item.key });
        for (const id of plan.stateIds ?? []) ctx.states?.forget(id);
      } else if (r.status === 'parked') ctx.metrics.parked++;
      // The key's state changed under us (another consumer of this service): read it again.
      else if (r.status === 'unblocked' || r.status === 'blocked' || r.status === 'conflict') {
        retryNow.push(plan.prepared);
        // The first pass guessed without reading: that is not a try of its own.
        if (pass > 1) sentBack.set(plan.prepared, { times: (sentBack.get(plan.prepared)?.times ?? 0) + 1, answer: r.status });
        for (const id of plan.stateIds ?? []) {
          ctx.states?.forget(id);
          extraOrders.set(id, plan.prepared.key);
        }
      }
    });
    ctx.metrics.released += released.length;
    pending = [...retryNow, ...(await Promise.all(released.map((r) => prepare(r, ctx))))];
  }
  return { outputs, afterCommit: () => (settled.length ? ctx.store.release(ctx.handler.service, settled, opts) : Promise.resolve()) };
}

function cachedStates(events: Prepared[], cache: StateCache | undefined): Map<string, Record<string, unknown>> {
  const known = new Map<string, Record<string, unknown>>();
  if (!cache) return known;
  for (const p of events) {
    const id = orderIdOf(p.event!);
    const s = cache.get(id);
    if (s) known.set(id, s);
  }
  return known;
}

async function prepare(record: BatchRecord, ctx: BatchContext): Promise<Prepared> {
  const key = record.key?.toString() ?? '';
  try {
    if (!record.value) throw new NonRetryableErrorNamed('EmptyValueError', 'record has no value');
    const { eventType, value } = await ctx.codec.decode(record.value);
    validateEvent(eventType, value);
    return { record, key, event: { eventType, eventId: value.envelope.event_id, value, key } };
  } catch (err) {
    // Decode and validation failures are the record's own fault: never retried. Registry or
    // network trouble, or a shutdown that cut a schema fetch short, is not: the batch fails
    // and is redelivered.
    if (err instanceof Error && !isRetriable(err)) return { record, key, error: err };
    throw err;
  }
}

/** An event that keeps conflicting with another consumer is dead-lettered after this many tries. */
const MAX_TRIES = 50;


class NonRetryableErrorNamed extends NonRetryableError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Handled = { ops: StoreOp[]; outputs: OutboundEvent[]; states: Array<[string, Record<string, unknown>]>; guards: StateGuard[] };

async function runWithRetries(event: InboundEvent, orders: OverlayOrders, ctx: BatchContext): Promise<Handled | Error> {
  for (let attempt = 1; ; attempt++) {
    const touched = new Map<string, Record<string, unknown>>();
    const outputs: OutboundEvent[] = [];
    const readIds = new Set<string>();
    const view: OrderStates = {
      get: (id) => (readIds.add(id), touched.get(id) ?? orders.get(id)),
      set: (id, s) => touched.set(id, s),
    };
    const emit = (topic: string, eventType: string, cause: InboundEvent, fields: Record<string, unknown>) =>
      outputs.push({ topic, key: cause.key, eventType, value: { envelope: envelopeFor(ctx.handler.service, cause, eventType), ...fields } });
    try {
      const ops = await ctx.handler.handle(event, view, ctx.downstream, emit);
      // Guard every state the handler read or wrote, as this batch expects it to be stored.
      const guards: StateGuard[] = [...new Set([...readIds, ...touched.keys()])].map((id) => [id, stateText(orders.get(id))]);
      for (const [id, s] of touched) orders.set(id, s);
      return { ops, outputs, states: [...touched], guards };
    } catch (err) {
      if (err instanceof NonRetryableError || attempt >= ctx.retry.attempts) return err as Error;
      ctx.metrics.retried++;
      await new Promise((r) => setTimeout(r, backoffMs(ctx.retry, attempt + 1)));
    }
  }
}

type OverlayOrders = Map<string, Record<string, unknown>>;

function stateText(state: Record<string, unknown> | undefined): string {
  return state ? JSON.stringify(state) : '';
}

function orderIdOf(e: InboundEvent): string {
  return String((e.value as { order_id?: unknown }).order_id ?? e.key);
}

function envelopeFor(service: string, cause: InboundEvent, eventType: string) {
  return {
    event_id: derivedEventId(service, cause.eventId, eventType),
    event_type: eventType,
    occurred_at: Date.now(),
    correlation_id: cause.value.envelope.correlation_id,
    causation_id: cause.eventId,
    producer: `${service}-service`,
  };
}

function eventHeaders(o: OutboundEvent, cause: BatchRecord): Record<string, Buffer> {
  const h: Record<string, Buffer> = { event_type: Buffer.from(o.eventType), event_id: Buffer.from(String((o.value.envelope as { event_id: string }).event_id)) };
  // Trace and run ids follow the saga, so a run's derived events can be told apart in a DLQ.
  for (const name of ['traceparent', 'run_id']) if (cause.headers[name]) h[name] = cause.headers[name]!;
  h[STREAMFLOW.sagaStarted] = sagaStartedHeader(cause);
  return h;
}

/** Send a failed record on: to the next retry stage or the DLQ, with its context headers. */
function forward(record: BatchRecord, err: Error, topic: string, ctx: BatchContext): ProducedRecord {
  const now = new Date().toISOString();
  const attempts = (Number(headerText(record, STREAMFLOW.attempts) ?? 0) || 0) + (err instanceof NonRetryableError ? 1 : ctx.retry.attempts);
  const origin = originOf(record);
  const context = encodeDeadLetterHeaders({
    originalTopic: origin.topic,
    originalPartition: origin.partition,
    originalOffset: origin.offset,
    originalTimestamp: origin.timestamp,
    consumerGroup: ctx.group,
    errorClass: err.name,
    errorMessage: err.message,
    stack: (err.stack ?? '').split('\n').slice(0, 8).join('\n'),
    service: ctx.handler.service,
    attempts,
    firstFailure: headerText(record, STREAMFLOW.firstFailure) ?? now,
    lastFailure: now,
  });
  // The saga start rides along too: a retry stage's copy has a timestamp of its own.
  const headers = { ...record.headers, [STREAMFLOW.sagaStarted]: sagaStartedHeader(record), ...context };
  return { topic, key: record.key?.toString() ?? '', value: record.value ?? Buffer.alloc(0), headers };
}

/**
 * Where a failed record first came from: the context headers an earlier stage wrote, when
 * they are well-formed; else the record itself. Headers are input too: a foreign or damaged
 * header must not throw here, or the batch would fail forever and block its partition.
 */
function originOf(record: BatchRecord): { topic: string; partition: number; offset: string; timestamp: string } {
  const { [SPRING.topic]: topic, [SPRING.partition]: partition, [SPRING.offset]: offset, [SPRING.timestamp]: timestamp } = record.headers;
  if (topic?.length && partition?.length === 4 && offset?.length === 8 && timestamp?.length === 8) {
    return { topic: topic.toString(), partition: partition.readInt32BE(0), offset: offset.readBigInt64BE(0).toString(), timestamp: timestamp.readBigInt64BE(0).toString() };
  }
  return { topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp };
}
