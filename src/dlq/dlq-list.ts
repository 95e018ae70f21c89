import type { ClusterSession } from '../kafka/cluster-session.js';
import type { ConsumedRecord, RecordReader } from '../kafka/record-reader.js';
import { RecordCounter } from '../topics/record-count.js';
import { toDeadLetterRecord } from './dead-letter-record.js';
import { type DlqSummary, isDlqTopicName, newestRecords, summarizeDlq } from './dlq-summary.js';
import { defaultParkingTopic } from './redrive-plan.js';

export interface DlqListOptions {
  /** These topics; else every topic named like a DLQ. */
  topics?: string[];
  /** Records read per topic for the error counts: the newest `sample` of the topic. */
  sample: number;
  /** Counts each DLQ's records (the dashboard keeps one across refreshes); a fresh one with the default limit when absent. */
  counter?: RecordCounter;
}

/**
 * Depth (records counted, up to the counter's limit), age and top error classes of each DLQ
 * topic. Reads the records it counts, the first of each partition, and up to `sample` of each
 * partition's newest for the sample.
 */
export async function listDlqTopics(session: ClusterSession, opts: DlqListOptions): Promise<DlqSummary[]> {
  const names = new Set(await session.offsets.topicNames());
  const topics = opts.topics ?? [...names].filter(isDlqTopicName).sort();
  const partitions = await session.offsets.partitions(topics);
  const counter = opts.counter ?? new RecordCounter();
  const summaries: DlqSummary[] = [];
  for (const topic of topics) {
    const ranges = await session.offsets.ranges((partitions.get(topic) ?? []).map((partition) => ({ topic, partition })));
    const count = await counter.count(session.records, topic, ranges.map((r) => ({ partition: r.partition, from: r.earliest, until: r.latest })));
    const oldest = [];
    const tails = [];
    for (const r of ranges.filter((r) => r.latest > r.earliest)) {
      const first = await session.records.read(topic, r.partition, r.earliest, { maxRecords: 1, untilOffset: r.latest, maxBytes: 64 * 1024 });
      oldest.push(...first.records);
      tails.push(...(await partitionTail(session.records, topic, r.partition, r.earliest, r.latest, opts.sample)));
    }
    const parking = defaultParkingTopic(topic);
    const parked = names.has(parking) ? (await counter.count(session.records, parking, await spansOfTopic(session, parking))).records : 0;
    summaries.push(summarizeDlq(topic, count, oldest, newestRecords(tails, opts.sample).map(toDeadLetterRecord), parked));
  }
  return summaries;
}

/** Every partition of a topic from its log start to its end. */
async function spansOfTopic(session: ClusterSession, topic: string): Promise<Array<{ partition: number; from: bigint; until: bigint }>> {
  const partitions = (await session.offsets.partitions([topic])).get(topic) ?? [];
  return (await session.offsets.ranges(partitions.map((partition) => ({ topic, partition })))).map((r) => ({ partition: r.partition, from: r.earliest, until: r.latest }));
}

/**
 * The last `n` records of a partition (fewer when it holds fewer). Reads backwards in windows
 * of as many offsets as records are still missing: markers and aborted records take offsets,
 * so a window can hold fewer records than offsets.
 */
async function partitionTail(reader: RecordReader, topic: string, partition: number, earliest: bigint, latest: bigint, n: number): Promise<ConsumedRecord[]> {
  const windows: ConsumedRecord[][] = [];
  let got = 0;
  let until = latest;
  while (got < n && until > earliest) {
    const from = until - BigInt(n - got) > earliest ? until - BigInt(n - got) : earliest;
    const { records } = await reader.read(topic, partition, from, { maxRecords: n - got, untilOffset: until });
    windows.unshift(records);
    got += records.length;
    until = from;
  }
  return windows.flat();
}
