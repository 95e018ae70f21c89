/**
 * The synthesis worker's thread: plans and encodes the run's batches on request, so event
 * synthesis and Avro encoding run beside kafkajs rather than on its thread. Batches are
 * transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BatchRequest, CheckoutBatchEncoder } from './checkout-batches.js';
import { checkoutCodecOf } from './checkout-codec.js';
import type { SynthesisSetup } from './synthesis.js';

const setup = workerData as SynthesisSetup;
const encoder = new CheckoutBatchEncoder(checkoutCodecOf(setup.contracts), setup.traffic);
parentPort!.postMessage('ready'); // Synthesis.ready
parentPort!.on('message', (req: BatchRequest) => {
  const batch = encoder.next(req);
  parentPort!.postMessage(batch, [batch.bytes.buffer, batch.ends.buffer, batch.types.buffer] as ArrayBuffer[]);
});
