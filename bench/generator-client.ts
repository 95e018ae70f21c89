/**
 * The bare-client side of `bench generator`, run in its own process:
 * `node --expose-gc dist/bench/generator-client.js --topic T --codec-topic C --records N`.
 * Encodes the generator's records up front with its own batch encoder, then sends them with a
 * kafkajs producer built from the generator's producer settings, one send at a time in the
 * generator's batch size, and prints `{"recordsPerSec":N,"recordBytes":B}`.
 */
import { shippedContractsDir } from '../src/config/package-root.js';
import { type Connection, requireRegistry, resolveConnection } from '../src/config/resolve-connection.js';
import { resolveCheckoutCodec } from '../src/generator/checkout-codec.js';
import { CheckoutBatchEncoder, unpackRecords } from '../src/generator/checkout-batches.js';
import { type CheckoutCodec, DEFAULT_BATCH_SIZE, generatorProducerOptions } from '../src/generator/produce-checkout.js';
import { type OutRecord, connectProducer } from '../src/kafka/producer.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { TRAFFIC } from './generator-traffic.js';

const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1]!;
const records = Number(arg('--records'));
const conn = await resolveConnection({}, process.env);
const codec = await resolveCheckoutCodec(new RegistryClient(requireRegistry(conn)), shippedContractsDir(), arg('--codec-topic'));
const batches = encodeUpFront(codec, records);
const recordBytes = Math.round(batches.flat().reduce((n, r) => n + r.value.length, 0) / records);
// Settle the heap the encoding left behind, so the timed part starts like the generator's.
(globalThis as { gc?: () => void }).gc?.();
const recordsPerSec = await sendOneAtATime(conn, arg('--topic'), batches);
process.stdout.write(JSON.stringify({ recordsPerSec, recordBytes }) + '\n');

/** The records the generator writes for TRAFFIC, built by its own batch encoder, in its send batches and form. */
function encodeUpFront(codec: CheckoutCodec, count: number): OutRecord[][] {
  const runId = `bench-client-${Date.now().toString(36)}`;
  const batches = new CheckoutBatchEncoder(codec, { ...TRAFFIC, producer: 'checkout-generator', runId });
  const out: OutRecord[][] = [];
  for (let planned = 0; planned < count; planned += DEFAULT_BATCH_SIZE) {
    const n = Math.min(DEFAULT_BATCH_SIZE, count - planned);
    out.push(unpackRecords(batches.next({ count: n, remaining: count - planned, timeUp: false, now: Date.now() }), runId));
  }
  return out;
}

/** Records/s from the first send to the last acknowledgement, like the generator's own figure. */
async function sendOneAtATime(conn: Connection, topic: string, batches: OutRecord[][]): Promise<number> {
  const producer = await connectProducer(conn, generatorProducerOptions({ idempotent: TRAFFIC.idempotent, compression: TRAFFIC.compression, runId: `bench-client-${Date.now().toString(36)}` }));
  try {
    const t0 = performance.now();
    for (const batch of batches) await producer.send(topic, batch);
    const ms = performance.now() - t0;
    return Math.round(batches.reduce((n, b) => n + b.length, 0) / (ms / 1000));
  } finally {
    await producer.disconnect();
  }
}
