import type { OutRecord } from '../kafka/producer.js';
import type { CheckoutCodec } from './produce-checkout.js';
import { SeededRandom } from './seeded-random.js';
import type { PlannedRecord, PoisonKind } from './traffic-plan.js';

/** An id no registry hands out: the "unknown schema id" poison. */
export const UNKNOWN_SCHEMA_ID = 0x7ffffff0;

/**
 * Turns planned records into what Kafka receives: key, Confluent-framed value (or the poison's
 * broken bytes) and the run's headers. A duplicate resends its original's exact bytes, which
 * are kept until the duplicate is encoded.
 */
export class CheckoutRecordEncoder {
  private readonly originals = new Map<string, Buffer>();
  private readonly traceRng: SeededRandom;

  constructor(
    private readonly codec: CheckoutCodec,
    private readonly runId: string,
    seed: number,
  ) {
    this.traceRng = new SeededRandom(seed ^ 0x5eed);
  }

  encode(r: PlannedRecord): OutRecord {
    const source = r.kind === 'duplicate' ? r.original : r;
    let value: Buffer;
    if (r.kind === 'duplicate') {
      value = this.originals.get(r.original.eventId)!;
      this.originals.delete(r.original.eventId); // each original is resent once
    } else if (r.kind === 'poison') value = poisonBytes(this.codec, r.poison, r.value);
    else {
      value = this.codec.encode(r.eventType, r.value);
      if (r.resent) this.originals.set(r.eventId, value);
    }
    return {
      key: source.key,
      value,
      headers: { event_type: source.eventType, event_id: source.eventId, traceparent: `00-${this.traceRng.hex(16)}-${this.traceRng.hex(8)}-01`, run_id: this.runId },
    };
  }
}

function poisonBytes(codec: CheckoutCodec, kind: PoisonKind, value: unknown): Buffer {
  switch (kind) {
    case 'bad-magic-byte': {
      const framed = Buffer.from(codec.encode('OrderCreated', value));
      framed[0] = 0x01;
      return framed;
    }
    case 'unknown-schema-id': {
      const framed = Buffer.from(codec.encode('OrderCreated', value));
      framed.writeInt32BE(UNKNOWN_SCHEMA_ID, 1);
      return framed;
    }
    case 'truncated-avro': {
      const framed = codec.encode('OrderCreated', value);
      return framed.subarray(0, 5 + Math.floor((framed.length - 5) / 3));
    }
    case 'invalid-business': {
      const avro = codec.encodeUnchecked('OrderCreated', value);
      const header = Buffer.alloc(5);
      header.writeInt32BE(codec.schemaId('OrderCreated'), 1);
      return Buffer.concat([header, avro]);
    }
  }
}
