import type { Isolation, PartitionOffsets, PartitionRead, ReadPosition, TopicReader } from '../kafka/topic-reader.js';
import type { ConsumedRecord } from '../kafka/record-reader.js';
import { UsageError } from '../errors.js';
import { requireTopic } from '../topics/topic-admin.js';
import { lastRecordsStart } from './last-records-start.js';
import { type EndSpec, type PartitionRange, type StartSpec, planReadRanges } from './read-range.js';
import type { DecodedSide, RecordDecoder } from './record-decoding.js';
import type { RecordFilter } from './record-filter.js';
import { type RecordView, recordView } from './record-json.js';

export interface ConsumeRequest {
  topic: string;
  /** null: every partition. */
  partitions: number[] | null;
  start: StartSpec;
  /** null: the end offsets as of the start, or on for ever with `follow`. */
  end: EndSpec | null;
  follow: boolean;
  /** Stop after this many records written (after the filter). */
  count: number | null;
  isolation: Isolation;
  filter: RecordFilter | undefined;
}

/** Where consumed records go: JSON lines, a table, a template (record-sinks.ts). */
export interface RecordSink {
  /** Build views for `write` (a table or a template needs them; JSON lines do not). */
  readonly wantsView: boolean;
  write(r: ConsumedRecord, key: DecodedSide, value: DecodedSide, view: RecordView | undefined): void;
  /** After each round: hand what was written to the stream, waiting while it is full. */
  flush(): Promise<void>;
}

export interface ConsumeSummary {
  topic: string;
  isolation: Isolation;
  /** Records written (what passed the filter). Transaction markers and aborted records are never counted. */
  records: number;
  /** Records read, before the filter. */
  scanned: number;
  partitions: Array<{ partition: number; from: string; next: string; until: string | null }>;
  /** Offsets retention deleted while they waited to be read. */
  gaps: Array<{ partition: number; from: string; to: string }>;
  interrupted: boolean;
  elapsedMs: number;
}

/** How long a broker may hold a Fetch when nothing is there yet (a follow, an open transaction). */
const POLL_WAIT_MS = 500;

/**
 * Read a topic group-less from the planned ranges to their ends (or on, following), decode,
 * filter and write each record. Stops at `count`, at the ends, or when `signal` aborts (after
 * the round in hand, which is still written).
 */
export async function consumeTopic(
  reader: TopicReader,
  decoder: RecordDecoder,
  req: ConsumeRequest,
  sink: RecordSink,
  opts: { signal: AbortSignal; nowMs: number; warn: (message: string) => void },
): Promise<ConsumeSummary> {
  const started = Date.now();
  const ranges = await planRanges(reader, req, opts.nowMs);
  const next = new Map(ranges.map((r) => [r.partition, r.from]));
  const open = new Set(ranges.filter((r) => r.until === null || r.from < r.until).map((r) => r.partition));
  const byPartition = new Map(ranges.map((r) => [r.partition, r]));
  const summary = { records: 0, scanned: 0, gaps: [] as ConsumeSummary['gaps'] };
  const full = () => req.count !== null && summary.records >= req.count;
  const positionsNow = () =>
    [...open].map((partition) => {
      const until = byPartition.get(partition)!.until;
      return { partition, offset: next.get(partition)!, ...(until !== null ? { until } : {}) };
    });
  // Without a filter no more records are decoded than the count still wants.
  const limit = () => (req.count !== null && !req.filter ? req.count - summary.records : Number.POSITIVE_INFINITY);
  const fetchRound = (positions: ReadPosition[], idle: boolean) => {
    const round = reader.fetch(req.topic, positions, { maxWaitMs: idle ? POLL_WAIT_MS : 0, limit: limit() });
    round.catch(() => undefined); // a round given up (stopped, or its positions changed) must not fail the run
    return { positions, round };
  };

  let inflight = open.size > 0 ? fetchRound(positionsNow(), false) : undefined;
  while (inflight && !opts.signal.aborted) {
    const reads = await inflight.round;
    // The next round is asked for while this one is decoded and written: where each partition
    // goes next is known already, unless the count or an end time stops it inside this round.
    const ahead = reads.filter((r) => byPartition.get(r.partition)!.until === null || r.nextOffset < byPartition.get(r.partition)!.until!);
    const idle = reads.every((r) => r.records.length === 0);
    inflight = ahead.length > 0 && !opts.signal.aborted ? fetchRound(ahead.map((r) => ({ partition: r.partition, offset: r.nextOffset, ...untilOf(byPartition.get(r.partition)!) })), idle) : undefined;

    await decoder.prepare(records(reads));
    for (const read of reads) {
      const range = byPartition.get(read.partition)!;
      if (read.logStartAfterGap !== undefined) {
        summary.gaps.push({ partition: read.partition, from: String(next.get(read.partition)), to: String(read.logStartAfterGap) });
        opts.warn(`${req.topic}-${read.partition}: offsets ${next.get(read.partition)} to ${read.logStartAfterGap - 1n} were deleted (retention) before they were read; reading on from ${read.logStartAfterGap}`);
      }
      let at = read.nextOffset;
      for (const r of read.records) {
        if (full()) {
          at = r.offset;
          break;
        }
        if (range.untilTime !== undefined && r.timestamp >= range.untilTime) {
          at = r.offset;
          open.delete(read.partition);
          break;
        }
        summary.scanned++;
        const key = decoder.decode(r.key);
        const value = decoder.decode(r.value);
        const view = sink.wantsView || req.filter ? recordView(r, key, value) : undefined;
        if (req.filter && !req.filter(view!)) continue;
        sink.write(r, key, value, view);
        summary.records++;
      }
      next.set(read.partition, at);
      if (range.until !== null && at >= range.until) open.delete(read.partition);
    }
    await sink.flush();
    if (full() || open.size === 0) break;
    // The round asked ahead assumed where this one would end: if it ended elsewhere, ask again.
    const expected = positionsNow();
    if (!inflight || !samePositions(inflight.positions, expected)) inflight = fetchRound(expected, idle);
  }
  return {
    topic: req.topic,
    isolation: req.isolation,
    records: summary.records,
    scanned: summary.scanned,
    partitions: ranges.map((r) => ({ partition: r.partition, from: String(r.from), next: String(next.get(r.partition)), until: r.until === null ? null : String(r.until) })),
    gaps: summary.gaps,
    interrupted: opts.signal.aborted && open.size > 0 && !full(),
    elapsedMs: Date.now() - started,
  };
}

function untilOf(range: PartitionRange): { until?: bigint } {
  return range.until !== null ? { until: range.until } : {};
}

function* records(reads: PartitionRead[]): Iterable<ConsumedRecord> {
  for (const r of reads) yield* r.records;
}

function samePositions(a: ReadPosition[], b: ReadPosition[]): boolean {
  const offsets = new Map(a.map((p) => [p.partition, p.offset]));
  return a.length === b.length && b.every((p) => offsets.get(p.partition) === p.offset);
}

async function planRanges(reader: TopicReader, req: ConsumeRequest, nowMs: number): Promise<PartitionRange[]> {
  await requireTopic({ topicNames: () => reader.topicNames() }, req.topic);
  const all = await reader.partitions(req.topic);
  const chosen = req.partitions ?? (req.start.kind === 'offsets' ? [...req.start.byPartition.keys()] : all);
  const missing = chosen.filter((p) => !all.includes(p));
  if (missing.length > 0) throw new UsageError(`${req.topic} has no partition ${missing.join(', ')}: it has ${all.length} (0 to ${all.length - 1})`, '--partition takes partition ids, e.g. --partition 0,3');
  const partitions: PartitionOffsets[] = await reader.offsets(req.topic, chosen);
  const timeOf = (spec: StartSpec | EndSpec | null) => (spec?.kind === 'time' ? reader.offsetsForTime(req.topic, chosen, spec.timestampMs) : undefined);
  const [startTimes, endTimes, lastStarts] = await Promise.all([
    timeOf(req.start),
    timeOf(req.end),
    req.start.kind === 'last' ? lastRecordsStart(reader, req.topic, partitions, req.start.count) : undefined,
  ]);
  // A start time that lands on the log start of a log retention has cut: is the window older than what is left?
  const firstTimestamps = new Map<number, number>();
  if (startTimes) {
    const cut = partitions.filter((p) => p.start > 0n && startTimes.get(p.partition) === p.start);
    if (cut.length > 0) {
      const reads = await reader.fetch(req.topic, cut.map((p) => ({ partition: p.partition, offset: p.start, until: p.end })), { maxWaitMs: 0, limit: 1 });
      for (const r of reads) if (r.records[0]) firstTimestamps.set(r.partition, r.records[0].timestamp);
    }
  }
  return planReadRanges({
    topic: req.topic,
    partitions,
    start: req.start,
    end: req.end,
    ...(startTimes ? { startTimes } : {}),
    ...(endTimes ? { endTimes } : {}),
    ...(lastStarts ? { lastStarts } : {}),
    firstTimestamps,
    follow: req.follow,
  });
}
