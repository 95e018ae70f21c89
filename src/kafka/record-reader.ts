import { type Position, firstRecords, positionKey } from './first-records.js';
import { withKafkaRetry } from './kafka-retry.js';
import { READ_COMMITTED, type RawCluster, type RawFetchPartition, type RawRecord, batchEndOf, visibleRecords } from './kafkajs-cluster.js';
import { leaderOf } from './raw-request.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Epoch ms (CreateTime or LogAppendTime, whichever the topic uses). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** In the order they were written; a name may repeat. */
  headers: RecordHeader[];
}

export interface ReadOptions {
  /** Stop after this many records. */
  maxRecords: number;
  /** Stop before this offset (exclusive). */
  untilOffset?: bigint;
  /** Bytes asked per fetch (Kafka still returns at least one whole batch). */
  maxBytes?: number;
}

export interface ReadResult {
  records: ConsumedRecord[];
  /** Where the next read should start: after the last record (or marker) looked at. */
  nextOffset: bigint;
  /** Nothing more to read now: the partition's last stable offset (or untilOffset) was reached. */
  atEnd: boolean;
}

/**
 * Group-less reads of one partition from an offset (Fetch, read_committed): no consumer
 * group is created, joined or committed to, so reading a DLQ or sampling a record for lag
 * leaves no trace on the cluster. Aborted transactional records and markers are skipped.
 */
export interface RecordReader {
  read(topic: string, partition: number, fromOffset: bigint, opts: ReadOptions): Promise<ReadResult>;
  /**
   * The records a read_committed reader sees in [fromOffset, untilOffset), read but not kept:
   * transaction markers and aborted records take offsets and are not counted. `nextOffset` is
   * below `untilOffset` when the partition's last stable offset (an open transaction) stopped it.
   */
  count(topic: string, partition: number, fromOffset: bigint, untilOffset: bigint): Promise<{ records: number; nextOffset: bigint }>;
  /**
   * The first visible record at or after each position, or 'end' when none lies before its
   * `until`; keyed by positionKey, a position retention moved past left out. One Fetch per
   * leader broker for many partitions (a lag snapshot's time lags).
   */
  firstRecords(positions: Position[]): Promise<Map<string, ConsumedRecord | 'end'>>;
}

/** Empty fetches below a known end offset, retried 100 ms apart (2 s in all). */
const EMPTY_FETCH_RETRIES = 20;

export function recordReader(cluster: RawCluster): RecordReader {
  // The partition exists (its offsets were just listed): a broker that does not know it or is
  // not its leader yet, or a leadership change, means stale metadata: refresh and ask again.
  const fetchOnce = (topic: string, partition: number, offset: bigint, maxBytes: number) =>
    withKafkaRetry(
      async () => {
        await cluster.addMultipleTargetTopics([topic]);
        const leader = leaderOf(cluster, topic, partition);
        if (leader == null) throw Object.assign(new Error(`no leader known for ${topic}-${partition}`), { type: 'LEADER_NOT_AVAILABLE' });
        const broker = await cluster.findBroker({ nodeId: leader });
        const answer = await broker.fetch({
          replicaId: -1,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: 0,
          minBytes: 1,
          maxBytes,
          topics: [{ topic, partitions: [{ partition, fetchOffset: offset.toString(), maxBytes }] }],
        });
        const data = answer.responses.find((r) => r.topicName === topic)?.partitions.find((p) => p.partition === partition);
        if (!data) throw new Error(`the broker did not answer for ${topic}-${partition}`);
        return data;
      },
      {
        unknownTopicIsTransient: true,
        // As before: a leader that went away (connection refused) is found again once, twice.
        alsoTransient: (err, attempt) => attempt < 3 && (err as { type?: string }).type !== 'OFFSET_OUT_OF_RANGE' && /Connection/.test((err as { name?: string }).name ?? ''),
        beforeRetry: () => cluster.refreshMetadata(),
      },
    );

  /** Visit the visible records from `fromOffset` on, up to `maxRecords` of them or `untilOffset`. */
  const walk = async (topic: string, partition: number, fromOffset: bigint, opts: ReadOptions, visit: (m: RawRecord) => void) => {
    let taken = 0;
    let offset = fromOffset;
    const until = opts.untilOffset;
    while (taken < opts.maxRecords && (until === undefined || offset < until)) {
      let data = await fetchOnce(topic, partition, offset, opts.maxBytes ?? 1 << 20);
      // Records are known to exist below `until`: an empty answer (seen on a just-created topic
      // whose leader is still settling) is retried briefly before it counts as the end, unless
      // an open transaction holds the last stable offset here (the end for read_committed).
      for (let tries = 0; data.messages.length === 0 && until !== undefined && offset < until && !heldByOpenTransaction(data, offset) && tries < EMPTY_FETCH_RETRIES; tries++) {
        await new Promise((r) => setTimeout(r, 100));
        data = await fetchOnce(topic, partition, offset, opts.maxBytes ?? 1 << 20);
      }
      const raw = data.messages;
      if (raw.length === 0) return { nextOffset: offset, atEnd: true };
      const visible = visibleRecords(data);
      // A fetch answers from the start of the batch that holds `offset`: skip what came before.
      let next = offset;
      let stopped = false;
      for (const m of raw) {
        const at = BigInt(m.offset);
        if (at < offset) continue;
        if ((until !== undefined && at >= until) || taken >= opts.maxRecords) {
          stopped = true;
          break;
        }
        next = at + 1n;
        if (m.isControlRecord || !visible.has(m)) continue;
        taken++;
        visit(m);
      }
      // Compaction can leave a batch's last offsets empty: continue after the batch, as Java's consumer does.
      if (!stopped) {
        const batchEnd = raw.reduce((max, m) => bigMax(max, batchEndOf(m)), next);
        next = until !== undefined && batchEnd > until ? until : batchEnd;
      }
      if (next === offset) return { nextOffset: offset, atEnd: true };
      offset = next;
    }
    return { nextOffset: offset, atEnd: until !== undefined && offset >= until };
  };

  return {
    async read(topic, partition, fromOffset, opts) {
      const records: ConsumedRecord[] = [];
      const { nextOffset, atEnd } = await walk(topic, partition, fromOffset, opts, (m) => records.push(toRecord(topic, partition, m)));
      return { records, nextOffset, atEnd };
    },
    async count(topic, partition, fromOffset, untilOffset) {
      let records = 0;
      // Bigger fetches than a read's: nothing is kept, so fewer round trips is all that matters.
      const { nextOffset } = await walk(topic, partition, fromOffset, { maxRecords: Infinity, untilOffset, maxBytes: 4 << 20 }, () => records++);
      return { records, nextOffset };
    },
    async firstRecords(positions) {
      const readAlone = async (p: Position) => {
        let first: RawRecord | undefined;
        try {
          const { atEnd } = await walk(p.topic, p.partition, p.offset, { maxRecords: 1, untilOffset: p.until, maxBytes: 64 * 1024 }, (m) => (first = m));
          return first ?? (atEnd ? ('end' as const) : undefined);
        } catch (err) {
          // Retention moved the log start since the offsets were listed: nothing to say of it.
          if ((err as { type?: string }).type === 'OFFSET_OUT_OF_RANGE') return undefined;
          throw err;
        }
      };
      const found = await firstRecords(cluster, positions, readAlone);
      const byKey = new Map(positions.map((p) => [positionKey(p), p]));
      return new Map([...found].map(([k, m]) => [k, m === 'end' ? 'end' : toRecord(byKey.get(k)!.topic, byKey.get(k)!.partition, m)]));
    },
  };
}

function heldByOpenTransaction(data: RawFetchPartition, offset: bigint): boolean {
  const stable = BigInt(data.lastStableOffset);
  return stable >= 0n && stable <= offset && BigInt(data.highWatermark) > offset;
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function toRecord(topic: string, partition: number, m: RawRecord): ConsumedRecord {
  const headers: RecordHeader[] = [];
  for (const [key, value] of Object.entries(m.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) headers.push({ key, value: v ?? null });
  }
  return { topic, partition, offset: BigInt(m.offset), timestamp: Number(m.timestamp), key: m.key ?? null, value: m.value ?? null, headers };
}
