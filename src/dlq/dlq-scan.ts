import type { ClusterSession } from '../kafka/cluster-session.js';
import { type DeadLetterRecord, toDeadLetterRecord } from './dead-letter-record.js';

export interface PartitionSpan {
  partition: number;
  /** First offset to read. */
  from: bigint;
  /** Stop before this offset (the end when the scan started). */
  until: bigint;
}

export interface ScanChunk {
  partition: number;
  records: DeadLetterRecord[];
  /** Where this partition's scan continues after the chunk. */
  nextOffset: bigint;
}

/** Read DLQ partitions in order, `chunkSize` records at a time, each span up to its end. */
export async function* scanDlq(session: ClusterSession, topic: string, spans: PartitionSpan[], chunkSize: number): AsyncGenerator<ScanChunk> {
  for (const span of spans) {
    let offset = span.from;
    while (offset < span.until) {
      const { records, nextOffset, atEnd } = await session.records.read(topic, span.partition, offset, { maxRecords: chunkSize, untilOffset: span.until });
      if (records.length > 0 || nextOffset > offset) yield { partition: span.partition, records: records.map(toDeadLetterRecord), nextOffset };
      if (atEnd || nextOffset <= offset) break;
      offset = nextOffset;
    }
  }
}

/** Spans from each partition's log start (or a later checkpoint) to its current end. */
export async function spansOf(session: ClusterSession, topic: string, checkpoint: Map<number, bigint> = new Map()): Promise<PartitionSpan[]> {
  const partitions = (await session.offsets.partitions([topic])).get(topic) ?? [];
  const ranges = await session.offsets.ranges(partitions.map((partition) => ({ topic, partition })));
  return ranges.map((r) => {
    const done = checkpoint.get(r.partition);
    // A checkpoint below the log start means retention removed records: start at what is left.
    return { partition: r.partition, from: done !== undefined && done > r.earliest ? done : r.earliest, until: r.latest };
  });
}
