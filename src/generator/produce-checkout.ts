import { setImmediate } from 'node:timers/promises';
import type { Connection } from '../config/resolve-connection.js';
import { type Compression, type ProducerOptions, connectProducer } from '../kafka/producer.js';
import { CheckoutRecordEncoder } from './checkout-records.js';
import { LatencyStats } from './latency-stats.js';
import { type RateProfile, targetCount } from './rate-profile.js';
import { type RunCounts, RunManifestWriter } from './run-manifest.js';
import { type KeyBy, type PlannedRecord, TrafficPlan } from './traffic-plan.js';

/** Encodes checkout events with the ids the registry gave their contracts (never registers). */
export interface CheckoutCodec {
  schemaId(eventType: 'OrderCreated' | 'OrderCancelled'): number;
  /** Confluent framing: magic byte 0, 4-byte schema id, Avro binary. Refuses invalid records. May be a view of a shared buffer: copy before changing it. */
  encode(eventType: 'OrderCreated' | 'OrderCancelled', value: unknown): Buffer;
  /** Avro binary without validation: only for the "valid Avro, invalid business data" poison. */
  encodeUnchecked(eventType: 'OrderCreated', value: unknown): Buffer;
}

export interface ProduceOptions {
  topic: string;
  runId: string;
  /** Total records to write (duplicates and poison included), or undefined for a timed run. */
  count?: number;
  durationMs?: number;
  /** null: as fast as the broker takes them (--rate max). */
  profile: RateProfile | null;
  seed: number;
  users: number;
  cancelShare: number;
  duplicates: number;
  poison: number;
  keyBy: KeyBy;
  idempotent: boolean;
  compression: Compression;
  /** Records per send call; kafkajs splits it per partition leader. */
  batchSize: number;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onProgress?: (p: ProduceProgress) => void;
}

export interface ProduceProgress {
  sent: number;
  target: number | null;
  elapsedMs: number;
  ratePerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ProduceSummary extends Omit<RunCounts, 'created' | 'cancelled'> {
  runId: string;
  topic: string;
  created: number;
  cancelled: number;
  durationMs: number;
  ratePerSec: number;
  ackLatencyMs: { p50: number; p99: number };
  errors: number;
  /** Peak resident memory of this process, for the benchmark and capacity planning. */
  peakRssMb: number;
  /** The signal stopped the run early; the manifest covers exactly the acknowledged records. */
  interrupted: boolean;
  manifest: string;
}

/** Records per send call unless --batch-size says otherwise. */
export const DEFAULT_BATCH_SIZE = 1000;

/** The generator's producer settings; the benchmark's bare client uses them too, so they cannot drift. */
export function generatorProducerOptions(opts: Pick<ProduceOptions, 'idempotent' | 'compression' | 'runId'>): ProducerOptions {
  return { idempotent: opts.idempotent, acks: -1, compression: opts.compression, clientId: `streamflow-generator-${opts.runId}` };
}

/**
 * Write the checkout traffic of one run: keyed Avro records at the requested rate, with
 * recorded duplicates and poison, acknowledged by Kafka (acks=all, idempotent by default).
 * One send is in flight while the next batch is synthesized and encoded. The abort signal ends the run early
 * with a summary marked `interrupted` (the caller decides the exit).
 */
export async function produceCheckout(conn: Connection, codec: CheckoutCodec, opts: ProduceOptions): Promise<ProduceSummary> {
  const plan = new TrafficPlan({ seed: opts.seed, users: opts.users, cancelShare: opts.cancelShare, duplicates: opts.duplicates, poison: opts.poison, keyBy: opts.keyBy, producer: 'checkout-generator' });
  const encoder = new CheckoutRecordEncoder(codec, opts.runId, opts.seed);
  const manifest = await RunManifestWriter.create(opts.env, { runId: opts.runId, topic: opts.topic, seed: opts.seed, keyBy: opts.keyBy });
  const producer = await connectProducer(conn, generatorProducerOptions(opts));
  const latency = new LatencyStats();
  let errors = 0;
  let planned = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const t0 = Date.now();
  const elapsed = () => Date.now() - t0;
  let lastProgress = 0;
  let lastAckAt: number | undefined;

  const ack = (batch: PlannedRecord[]) => {
    for (const r of batch) {
      if (r.kind === 'valid') manifest.addValid(r.eventId, r.eventType, r.orderId, r.key);
      else if (r.kind === 'duplicate') {
        manifest.addDuplicate();
        encoder.forget(r.original.eventId);
      } else manifest.addPoison(r.eventId, r.poison, r.orderId);
    }
    manifest.flush();
  };

  try {
    for (;;) {
      if (opts.signal.aborted) break;
      const now = elapsed();
      const timeUp = opts.durationMs !== undefined && now >= opts.durationMs;
      const remaining = opts.count !== undefined ? opts.count - planned : Infinity;
      if (remaining <= 0 || (timeUp && plan.pendingCount === 0)) break;
      let allowed = opts.profile && !timeUp ? Math.floor(targetCount(opts.profile, now / 1000)) - planned : opts.batchSize;
      if (timeUp) allowed = plan.pendingCount; // flush cancellations and duplicates that are owed
      allowed = Math.min(allowed, opts.batchSize, remaining);
      if (allowed <= 0) {
        await sleep(Math.max(1, Math.min(20, 1000 / (opts.profile?.peakPerSec ?? 1000))));
        continue;
      }
      const batch: PlannedRecord[] = [];
      const batchNow = Date.now();
      for (let i = 0; i < allowed; i++) batch.push(plan.next(batchNow, timeUp ? plan.pendingCount : remaining - i));
      const records = batch.map((r) => encoder.encode(r));
      planned += batch.length;
      await inFlight;
      const sentAt = Date.now();
      inFlight = producer.send(opts.topic, records).then(
        () => {
          latency.add(Date.now() - sentAt, records.length);
          ack(batch);
        },
        (err) => {
          errors++;
          throw err;
        },
      );
      // A send reaches the socket only once this loop yields: let kafkajs encode and write it
      // now, so the broker works on it while the next batch is built (not after).
      await setImmediate();
      if (opts.onProgress && Date.now() - lastProgress > 250) {
        lastProgress = Date.now();
        opts.onProgress({ sent: manifest.counts.sent, target: opts.count ?? null, elapsedMs: elapsed(), ratePerSec: manifest.counts.sent / Math.max(0.001, elapsed() / 1000), p50Ms: latency.recent(50), p99Ms: latency.recent(99) });
      }
    }
    await inFlight;
    lastAckAt = elapsed();
  } finally {
    await inFlight.catch(() => undefined);
    await producer.disconnect();
    await manifest.finish();
  }
  // The run's length ends with its last acknowledgement, not with the producer's disconnect.
  const durationMs = lastAckAt ?? elapsed();
  const c = manifest.counts;
  const summary: ProduceSummary = {
    runId: opts.runId,
    topic: opts.topic,
    sent: c.sent,
    valid: c.valid,
    created: c.created,
    cancelled: c.cancelled,
    duplicates: c.duplicates,
    poison: c.poison,
    poisonByKind: c.poisonByKind,
    durationMs,
    ratePerSec: Math.round((c.sent / Math.max(0.001, durationMs / 1000)) * 10) / 10,
    ackLatencyMs: { p50: latency.percentile(50), p99: latency.percentile(99) },
    errors,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    interrupted: opts.signal.aborted,
    manifest: manifest.dir,
  };
  return summary;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
