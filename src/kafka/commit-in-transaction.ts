import type { Message, Producer } from 'kafkajs';
import { sendCompletely } from './complete-send.js';

/** Where a consumer's chunk ends: the offset to commit for its partition. */
export interface ChunkOffset {
  groupId: string;
  topic: string;
  partition: number;
  /** The next offset to read (one past the chunk's last record, or past a trailing marker). */
  next: string;
}

/**
 * One Kafka transaction: the chunk's outputs (acks=all) and its consumer offset, committed
 * together or aborted together, the exactly-once step of the runtime and of the bare copy the
 * benchmark measures it against.
 */
export async function commitInTransaction(producer: Producer, outputs: Map<string, Message[]>, offset: ChunkOffset): Promise<void> {
  const txn = await producer.transaction();
  try {
    for (const [topic, messages] of outputs) for (const slice of slicesBySize(messages)) await sendCompletely((m) => txn.send({ topic, acks: -1, messages: m }), topic, slice);
    await whileConcurrent(() => txn.sendOffsets({ consumerGroupId: offset.groupId, topics: [{ topic: offset.topic, partitions: [{ partition: offset.partition, offset: offset.next }] }] }));
    await txn.commit();
  } catch (err) {
    await txn.abort().catch(() => undefined);
    throw err;
  }
}

/**
 * The coordinator answers CONCURRENT_TRANSACTIONS while it is still writing the markers of the
 * producer's last transaction; the Java client retries it, and so do kafkajs' sends, but not
 * its AddOffsetsToTxn: a chunk with no outputs (all duplicates) then failed its transaction and
 * came back whole. Retry it, as the Java client does, with a short backoff.
 */
async function whileConcurrent(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if ((err as { type?: string }).type !== 'CONCURRENT_TRANSACTIONS' || attempt >= CONCURRENT_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, Math.min(10 * attempt, 100)));
    }
  }
}

const CONCURRENT_RETRIES = 30;

/**
 * kafkajs sends all of a request's records for one partition as one record batch, and a chunk's
 * outputs usually go to one partition (they keep the keys of the chunk's single input
 * partition): above the broker's message.max.bytes (1 MB by default) the whole transaction
 * fails with MESSAGE_TOO_LARGE. Sends of at most this many bytes stay well under it.
 */
const MAX_SEND_BYTES = 512 * 1024;

function slicesBySize(messages: Message[]): Message[][] {
  const slices: Message[][] = [];
  let slice: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = sizeOf(m.key) + sizeOf(m.value) + Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + k.length + sizeOf(v as Buffer | string), 0) + 32;
    if (slice.length && bytes + size > MAX_SEND_BYTES) {
      slices.push(slice);
      slice = [];
      bytes = 0;
    }
    slice.push(m);
    bytes += size;
  }
  if (slice.length) slices.push(slice);
  return slices;
}

function sizeOf(v: Buffer | string | null | undefined): number {
  return v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
