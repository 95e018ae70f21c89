import type { ClusterSession } from '../kafka/cluster-session.js';
import { toDeadLetterRecord } from './dead-letter-record.js';
import { type DlqSummary, isDlqTopicName, summarizeDlq } from './dlq-summary.js';

export interface DlqListOptions {
  /** These topics; else every topic named like a DLQ. */
  topics?: string[];
  /** Records read per topic for the error counts (the newest, spread over partitions). */
  sample: number;
}

/** Depth, age and top error classes of each DLQ topic; reads about `sample` records (+1 per partition) per topic. */
export async function listDlqTopics(session: ClusterSession, opts: DlqListOptions): Promise<DlqSummary[]> {
  const topics = opts.topics ?? (await session.offsets.topicNames()).filter(isDlqTopicName).sort();
  const partitions = await session.offsets.partitions(topics);
  const summaries: DlqSummary[] = [];
  for (const topic of topics) {
    const ranges = await session.offsets.ranges((partitions.get(topic) ?? []).map((partition) => ({ topic, partition })));
    const nonEmpty = ranges.filter((r) => r.latest > r.earliest);
    const perPartition = nonEmpty.length ? Math.max(1, Math.ceil(opts.sample / nonEmpty.length)) : 0;
    const oldest = [];
    const sample = [];
    for (const r of nonEmpty) {
      const first = await session.records.read(topic, r.partition, r.earliest, { maxRecords: 1, untilOffset: r.latest, maxBytes: 64 * 1024 });
      oldest.push(...first.records);
      const from = r.latest - BigInt(perPartition) > r.earliest ? r.latest - BigInt(perPartition) : r.earliest;
      const tail = await session.records.read(topic, r.partition, from, { maxRecords: perPartition, untilOffset: r.latest });
      sample.push(...tail.records.map(toDeadLetterRecord));
    }
    summaries.push(summarizeDlq(topic, ranges, oldest, sample));
  }
  return summaries;
}
