import { setImmediate } from 'node:timers/promises';
import type { Connection } from '../config/resolve-connection.js';
import { type Compression, type ProducerOptions, type RecordProducer, connectProducer } from '../kafka/producer.js';
import { type BatchRequest, type PackedBatch, unpackRecords } from './checkout-batches.js';
import { LatencyStats } from './latency-stats.js';
import { type RateProfile, targetCount } from './rate-profile.js';
import { type RunCounts, RunManifestWriter } from './run-manifest.js';
import { type Synthesis, startSynthesis } from './synthesis.js';
import type { KeyBy } from './traffic-plan.js';

/** Encodes checkout events with the ids the registry gave their contracts (never registers). */
export interface CheckoutCodec {
  /** The registered ids and schemas it encodes with. */
  readonly contracts: Record<'OrderCreated' | 'OrderCancelled', { id: number; schema: unknown }>;
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
  /** The signal stopped the run early; the manifest covers exactly the acknowledged records (a send still unanswered 5 s after the signal: in doubt). */
  interrupted: boolean;
  manifest: string;
}

/** How long Ctrl-C waits for the send in flight before it counts the batch as in doubt. */
const STOP_GRACE_MS = 5_000;

/** Records per send call unless --batch-size says otherwise. */
export const DEFAULT_BATCH_SIZE = 1000;

/** The generator's producer settings; the benchmark's bare client uses them too, so they cannot drift. */
export function generatorProducerOptions(opts: Pick<ProduceOptions, 'idempotent' | 'compression' | 'runId'>): ProducerOptions {
  return { idempotent: opts.idempotent, acks: -1, compression: opts.compression, clientId: `streamflow-generator-${opts.runId}` };
}

/**
 * Write the checkout traffic of one run: keyed Avro records at the requested rate, with
 * recorded duplicates and poison, acknowledged by Kafka (acks=all, idempotent by default).
 * One send is in flight while a worker thread synthesizes and encodes the next batch. The
 * abort signal ends the run early with a summary marked `interrupted` (the caller decides the exit).
 */
export async function produceCheckout(conn: Connection, codec: CheckoutCodec, opts: ProduceOptions): Promise<ProduceSummary> {
  const traffic = { seed: opts.seed, users: opts.users, cancelShare: opts.cancelShare, duplicates: opts.duplicates, poison: opts.poison, keyBy: opts.keyBy, producer: 'checkout-generator', runId: opts.runId };
  const synthesis = startSynthesis({ contracts: codec.contracts, traffic });
  let producer: RecordProducer | undefined;
  let manifest: RunManifestWriter | undefined;
  try {
    manifest = await RunManifestWriter.create(opts.env, { runId: opts.runId, topic: opts.topic, seed: opts.seed, keyBy: opts.keyBy });
    producer = await connectProducer(conn, generatorProducerOptions(opts));
    await synthesis.ready; // it loaded and built the traffic model meanwhile, before the clock starts
    return await sendBatches(producer, synthesis, manifest, opts);
  } finally {
    await synthesis.close();
    await producer?.disconnect();
    await manifest?.finish();
  }
}

async function sendBatches(producer: RecordProducer, synthesis: Synthesis, manifest: RunManifestWriter, opts: ProduceOptions): Promise<ProduceSummary> {
  const latency = new LatencyStats();
  let errors = 0;
  let planned = 0;
  let owed = 0; // cancellations and duplicates the plan still owes
  let inFlight: Promise<void> = Promise.resolve();
  // Ctrl-C waits for the send in flight, so the manifest counts exactly what Kafka acknowledged,
  // but not for long: one a broker outage holds (it retries for up to 120 s) goes into the
  // manifest as in doubt, as a failed send's does.
  const stopped = new Promise<void>((resolve) => {
    const wait = () => setTimeout(resolve, STOP_GRACE_MS).unref();
    if (opts.signal.aborted) wait();
    else opts.signal.addEventListener('abort', wait, { once: true });
  });
  const untilSentOrStopped = () => Promise.race([inFlight, stopped]);
  let abandon = () => {};
  let next: Promise<PackedBatch> | undefined;
  const t0 = Date.now();
  const elapsed = () => Date.now() - t0;
  let lastProgress = 0;
  let lastAckAt: number | undefined;

  /** The batch the run may write now, 'wait' when the rate allows none yet, or 'done'. */
  const decide = (): BatchRequest | 'wait' | 'done' => {
    const now = elapsed();
    const timeUp = opts.durationMs !== undefined && now >= opts.durationMs;
    const remaining = opts.count !== undefined ? opts.count - planned : Infinity;
    if (remaining <= 0 || (timeUp && owed === 0)) return 'done';
    let allowed = opts.profile && !timeUp ? Math.floor(targetCount(opts.profile, now / 1000)) - planned : opts.batchSize;
    if (timeUp) allowed = owed; // flush cancellations and duplicates that are owed
    allowed = Math.min(allowed, opts.batchSize, remaining);
    return allowed > 0 ? { count: allowed, remaining, timeUp, now: Date.now() } : 'wait';
  };

  try {
    for (;;) {
      if (opts.signal.aborted) break;
      if (!next) {
        const req = decide();
        if (req === 'done') break;
        if (req === 'wait') {
          await sleep(Math.max(1, Math.min(20, 1000 / (opts.profile?.peakPerSec ?? 1000))));
          continue;
        }
        next = synthesis.request(req);
      }
      const batch = await next;
      planned += batch.types.length;
      owed = batch.pendingCount;
      const records = unpackRecords(batch, opts.runId);
      // Ask for the following batch before sending this one: the worker builds it meanwhile.
      const following = decide();
      next = typeof following === 'object' ? synthesis.request(following) : undefined;
      next?.catch(() => undefined); // awaited next round; a failure meanwhile is not unhandled
      await untilSentOrStopped();
      if (opts.signal.aborted) break;
      const sentAt = Date.now();
      let open = true; // the batch is not in the manifest yet
      const settle = (record: () => void) => {
        if (open) record();
        open = false;
      };
      inFlight = producer.send(opts.topic, records).then(
        () =>
          settle(() => {
            latency.add(Date.now() - sentAt, records.length);
            manifest.append(batch.entries);
            lastAckAt = elapsed();
          }),
        (err) => {
          settle(() => {
            errors++;
            manifest.appendInDoubt(batch.entries);
          });
          throw err;
        },
      );
      abandon = () => settle(() => manifest.appendInDoubt(batch.entries));
      // A send reaches the socket only once this loop yields: let kafkajs encode and write it now.
      await setImmediate();
      if (opts.onProgress && Date.now() - lastProgress > 250) {
        lastProgress = Date.now();
        opts.onProgress({ sent: manifest.counts.sent, target: opts.count ?? null, elapsedMs: elapsed(), ratePerSec: manifest.counts.sent / Math.max(0.001, elapsed() / 1000), p50Ms: latency.recent(50), p99Ms: latency.recent(99) });
      }
    }
    await untilSentOrStopped();
  } finally {
    await Promise.race([inFlight.catch(() => undefined), stopped]);
    abandon();
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
    inDoubt: c.inDoubt,
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
