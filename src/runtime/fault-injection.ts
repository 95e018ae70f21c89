import { TransientError, type Downstream } from './types.js';

export interface FaultOptions {
  /** Share of downstream calls that fail transiently (--fail-rate). */
  failRate: number;
  /** A stall on the first downstream call of each batch (--latency: the seed's 3 s payment stall). */
  latencyMs: number;
  /** The stall ends at this time (epoch ms): the demo's gateway recovers after a while. */
  latencyUntil?: number;
}

/**
 * The services' outside world with injected faults: a gateway that sometimes answers 503 and
 * sometimes stalls. The stall hits once per batch, like a batched authorization call timing out.
 */
export class FaultyDownstream implements Downstream {
  private stalledThisBatch = false;

  constructor(private readonly faults: FaultOptions) {}

  newBatch(): void {
    this.stalledThisBatch = false;
  }

  async call(what: string): Promise<void> {
    const stalling = this.faults.latencyMs > 0 && Date.now() < (this.faults.latencyUntil ?? Infinity);
    if (stalling && !this.stalledThisBatch) {
      this.stalledThisBatch = true;
      await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    }
    if (Math.random() < this.faults.failRate) throw new TransientError(`${what} answered 503 (injected transient failure)`);
  }
}
