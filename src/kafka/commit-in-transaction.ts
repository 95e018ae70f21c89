import type { Message, Producer } from 'kafkajs';

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
    for (const [topic, messages] of outputs) await txn.send({ topic, acks: -1, messages });
    await txn.sendOffsets({ consumerGroupId: offset.groupId, topics: [{ topic: offset.topic, partitions: [{ partition: offset.partition, offset: offset.next }] }] });
    await txn.commit();
  } catch (err) {
    await txn.abort().catch(() => undefined);
    throw err;
  }
}
