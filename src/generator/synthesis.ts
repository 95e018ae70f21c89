import fs from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type BatchRequest, CheckoutBatchEncoder, type PackedBatch } from './checkout-batches.js';
import { checkoutCodecOf } from './checkout-codec.js';
import type { CheckoutCodec } from './produce-checkout.js';
import type { TrafficOptions } from './traffic-plan.js';

export interface SynthesisSetup {
  contracts: CheckoutCodec['contracts'];
  traffic: TrafficOptions & { runId: string };
}

/** Where a run's batches come from, one request at a time. */
export interface Synthesis {
  /** Resolves once it can build batches (the worker has loaded and built the plan's model). */
  readonly ready: Promise<void>;
  request(req: BatchRequest): Promise<PackedBatch>;
  close(): Promise<void>;
}

const WORKER_SCRIPT = new URL('./synthesis-worker.js', import.meta.url);

/**
 * On a worker thread in the built CLI; on this thread when running from the TypeScript sources
 * (the in-process tests), which have no worker script to start. Same batches either way.
 */
export function startSynthesis(setup: SynthesisSetup): Synthesis {
  return fs.existsSync(fileURLToPath(WORKER_SCRIPT)) ? new WorkerSynthesis(setup) : new InlineSynthesis(setup);
}

class InlineSynthesis implements Synthesis {
  private readonly encoder: CheckoutBatchEncoder;
  readonly ready = Promise.resolve();

  constructor(setup: SynthesisSetup) {
    this.encoder = new CheckoutBatchEncoder(checkoutCodecOf(setup.contracts), setup.traffic);
  }

  // After the pending I/O, like the worker's reply: the send issued meanwhile is written first.
  async request(req: BatchRequest): Promise<PackedBatch> {
    await setImmediate();
    return this.encoder.next(req);
  }

  async close(): Promise<void> {}
}

/**
 * The run's batches built on a worker thread (synthesis-worker.ts): the send loop asks for the
 * next batch before it sends the last, so synthesis and Avro encoding run beside kafkajs.
 */
class WorkerSynthesis implements Synthesis {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private waiting: { resolve: (b: PackedBatch) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(setup: SynthesisSetup) {
    this.worker = new Worker(WORKER_SCRIPT, { workerData: setup });
    // The worker's first message says it is ready; each later one answers a request.
    this.ready = new Promise((resolve, reject) => {
      this.waiting = { resolve: () => resolve(), reject };
    });
    this.ready.catch(() => undefined); // also reported by the request that follows
    this.worker.on('message', (batch: PackedBatch) => this.settle()?.resolve(batch));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`the synthesis worker exited (code ${code})`)));
  }

  request(req: BatchRequest): Promise<PackedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(req);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the synthesis worker was closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private settle() {
    const w = this.waiting;
    this.waiting = undefined;
    return w;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.settle()?.reject(this.failure);
  }
}
