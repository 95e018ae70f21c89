import type { RecordReader } from '../kafka/record-reader.js';

/** A partition's offsets from `from` up to (not including) `until`. */
export interface OffsetSpan {
  partition: number;
  from: bigint;
  until: bigint;
}

export interface RecordCount {
  /**
   * Records a read_committed reader sees in the spans; null when the spans cover more offsets
   * than the count limit (not counted: counting means reading every record).
   */
  records: number | null;
  /**
   * Offsets the spans cover: an upper bound of the records, as transaction markers, aborted and
   * compacted-away records take offsets too.
   */
  offsets: number;
  partitions: Array<{ partition: number; records: number | null; offsets: number }>;
}

/** Offsets per topic (or job) counted record by record; beyond it only the offset span is given. */
export const DEFAULT_COUNT_LIMIT = 100_000;

/**
 * Counts records by reading them. All or nothing per call: spans covering more than `limit`
 * offsets are not read, so a count's cost is bounded and does not depend on what was asked
 * before. Remembers what it counted, so a counter kept across refreshes (the dashboard's) reads
 * only the offsets written since, as long as the log start did not move.
 */
export class RecordCounter {
  private readonly counted = new Map<string, { from: bigint; to: bigint; records: number }>();

  constructor(readonly limit: number = DEFAULT_COUNT_LIMIT) {}

  async count(reader: RecordReader, topic: string, spans: OffsetSpan[]): Promise<RecordCount> {
    const known = countWithoutReading(spans, this.limit);
    if (known) return known;
    const partitions = [];
    for (const s of spans) partitions.push({ partition: s.partition, records: await this.countSpan(reader, topic, s), offsets: spanLength(s) });
    return { records: partitions.reduce((sum, p) => sum + p.records, 0), offsets: partitions.reduce((sum, p) => sum + p.offsets, 0), partitions };
  }

  private async countSpan(reader: RecordReader, topic: string, s: OffsetSpan): Promise<number> {
    if (s.until <= s.from) return 0;
    const key = `${topic}\u0000${s.partition}`;
    const known = this.counted.get(key);
    const resume = known !== undefined && known.from === s.from && known.to <= s.until;
    const start = resume ? known.to : s.from;
    // Stops short of `until` at an open transaction: the next count goes on from there.
    const { records, nextOffset } = await reader.count(topic, s.partition, start, s.until);
    const total = (resume ? known.records : 0) + records;
    this.counted.set(key, { from: s.from, to: nextOffset, records: total });
    return total;
  }
}

/**
 * The count when it needs no reading, else null (read them): empty spans hold 0 records; spans
 * over `limit` offsets are left uncounted, and so is anything when `limit` is null (the caller
 * must not read, e.g. a partition is offline).
 */
export function countWithoutReading(spans: OffsetSpan[], limit: number | null): RecordCount | null {
  const offsets = spans.reduce((sum, s) => sum + spanLength(s), 0);
  if (offsets === 0) return { records: 0, offsets, partitions: spans.map((s) => ({ partition: s.partition, records: 0, offsets: 0 })) };
  if (limit !== null && offsets <= limit) return null;
  return { records: null, offsets, partitions: spans.map((s) => ({ partition: s.partition, records: null, offsets: spanLength(s) })) };
}

/** "60 records", or "120 offsets (records not counted)". */
export function countText(c: Pick<RecordCount, 'records' | 'offsets'>): string {
  return c.records === null ? `${c.offsets.toLocaleString('en-US')} offsets (records not counted)` : `${c.records.toLocaleString('en-US')} records`;
}

function spanLength(s: OffsetSpan): number {
  return s.until > s.from ? Number(s.until - s.from) : 0;
}
