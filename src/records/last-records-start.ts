import type { PartitionOffsets, TopicReader } from '../kafka/topic-reader.js';

/**
 * Where the last `count` records of each partition begin, as the reader's isolation counts
 * records: transaction markers and aborted records take offsets, so on a transactional topic
 * (every topic the reference services write) the last `count` offsets hold fewer records.
 * Reads back from the end in widening steps (count offsets, then twice as many, each step only
 * the offsets not read yet) until `count` records are found or the log start is reached.
 */
export async function lastRecordsStart(reader: TopicReader, topic: string, partitions: PartitionOffsets[], count: bigint): Promise<Map<number, bigint>> {
  const starts = new Map<number, bigint>();
  let pending: Walk[] = [];
  for (const p of partitions) {
    if (count === 0n || p.end <= p.start) starts.set(p.partition, p.end);
    else pending.push({ partition: p.partition, logStart: p.start, lo: p.end, found: 0n, step: count });
  }
  while (pending.length > 0) {
    const steps = pending.map((w) => ({ walk: w, from: w.lo - w.step > w.logStart ? w.lo - w.step : w.logStart, until: w.lo }));
    const offsets = await recordOffsets(reader, topic, steps);
    pending = [];
    for (const { walk, from } of steps) {
      const inStep = offsets.get(walk.partition)!;
      const wanted = count - walk.found;
      if (BigInt(inStep.length) >= wanted) starts.set(walk.partition, inStep[inStep.length - Number(wanted)]!);
      else if (from === walk.logStart) starts.set(walk.partition, walk.logStart);
      else pending.push({ ...walk, lo: from, found: walk.found + BigInt(inStep.length), step: 2n * walk.step });
    }
  }
  return starts;
}

/** One partition's walk back: records found at or after `lo`, and the next step's width in offsets. */
interface Walk {
  partition: number;
  logStart: bigint;
  lo: bigint;
  found: bigint;
  step: bigint;
}

/** The offsets of the records in [from, until) of each partition, ascending. */
async function recordOffsets(reader: TopicReader, topic: string, ranges: Array<{ walk: Walk; from: bigint; until: bigint }>): Promise<Map<number, bigint[]>> {
  const out = new Map(ranges.map((r) => [r.walk.partition, [] as bigint[]]));
  let positions = ranges.filter((r) => r.from < r.until).map((r) => ({ partition: r.walk.partition, offset: r.from, until: r.until }));
  while (positions.length > 0) {
    const reads = await reader.fetch(topic, positions, { maxWaitMs: 0, limit: Number.POSITIVE_INFINITY });
    const until = new Map(positions.map((p) => [p.partition, p.until]));
    for (const read of reads) {
      const list = out.get(read.partition)!;
      for (const r of read.records) list.push(r.offset);
    }
    positions = reads.filter((r) => r.nextOffset < until.get(r.partition)!).map((r) => ({ partition: r.partition, offset: r.nextOffset, until: until.get(r.partition)! }));
  }
  return out;
}
