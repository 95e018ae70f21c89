import type { ClusterSession } from './cluster-session.js';
import type { PartitionRange } from './log-offsets.js';
import type { ConsumedRecord } from './record-reader.js';

/** Records per read. */
const READ_RECORDS = 5_000;

/**
 * Hand every (read_committed) record of a partition from `from` up to its end as listed now
 * (or as `range`, when the caller listed many partitions at once) to `each`, in order; returns
 * the end, where the next read of new records starts. A `from` that retention or compaction
 * left behind goes on from the log start.
 */
export async function readToEnd(
  session: ClusterSession,
  topic: string,
  partition: number,
  from: bigint,
  each: (r: ConsumedRecord) => void,
  range?: PartitionRange,
): Promise<bigint> {
  const { earliest, latest } = range ?? (await session.offsets.ranges([{ topic, partition }]))[0]!;
  let at = from < earliest ? earliest : from;
  while (at < latest) {
    const read = await session.records.read(topic, partition, at, { maxRecords: READ_RECORDS, untilOffset: latest });
    for (const r of read.records) each(r);
    if (read.atEnd || read.nextOffset <= at) break;
    at = read.nextOffset;
  }
  return latest;
}
