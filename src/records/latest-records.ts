import type { TopicReader } from '../kafka/topic-reader.js';
import type { RecordDecoder } from './record-decoding.js';
import type { RecordView } from './record-json.js';
import { collectingSink } from './record-sinks.js';
import { consumeTopic } from './topic-consume.js';

/**
 * The last `perPartition` records of each partition (or of those given), decoded, newest
 * first by timestamp: what the dashboard shows of a topic. Reads to the end offsets as of
 * the call, read_committed as the reader was opened.
 */
export async function latestRecords(
  reader: TopicReader,
  decoder: RecordDecoder,
  topic: string,
  opts: { perPartition: number; partitions?: number[]; signal?: AbortSignal },
): Promise<RecordView[]> {
  const sink = collectingSink(Number.POSITIVE_INFINITY);
  await consumeTopic(
    reader,
    decoder,
    { topic, partitions: opts.partitions ?? null, start: { kind: 'last', count: BigInt(opts.perPartition) }, end: { kind: 'end' }, follow: false, count: null, isolation: 'read_committed', filter: undefined },
    sink,
    { signal: opts.signal ?? new AbortController().signal, nowMs: Date.now(), warn: () => undefined },
  );
  return sink.views.sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset);
}
