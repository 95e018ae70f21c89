import { READ_COMMITTED, type RawCluster, type RawFetchPartition, type RawRecord, batchEndOf, visibleRecords } from './kafkajs-cluster.js';
import { leaderOf } from './raw-request.js';

export interface Position {
  topic: string;
  partition: number;
  offset: bigint;
  /** The partition's end as last listed: nothing at or after it counts. */
  until: bigint;
}

/** What is at a position: its first visible record, or 'end' when only markers (or an open transaction) lie before `until`. */
export type FirstRecord = RawRecord | 'end';

/**
 * Partition sizes asked per pass: most answers fit the first (a small batch or the head of a
 * big one is not enough: kafkajs drops a truncated batch); what does not is asked again with
 * more room, and what still does not is read alone, where the broker returns the whole first
 * batch whatever its size. Small first asks keep the decoding cheap when partitions lag far.
 */
const PASSES = [
  { partitionBytes: 2 * 1024, perRequest: 250 },
  { partitionBytes: 64 * 1024, perRequest: 200 },
];

/**
 * The first visible record (read_committed) at or after each position, in one Fetch per
 * leader broker and pass instead of one per partition: a lag snapshot of 10,000 lagging
 * partitions needs each one's next record for its time lag. Keyed by positionKey; a position
 * the log start moved past (retention) is left out. `readAlone` settles what the passes could not.
 */
export async function firstRecords(
  cluster: RawCluster,
  positions: Position[],
  readAlone: (p: Position) => Promise<FirstRecord | undefined>,
): Promise<Map<string, FirstRecord>> {
  const out = new Map<string, FirstRecord>();
  let pending = positions;
  if (pending.length > 0) await cluster.addMultipleTargetTopics([...new Set(pending.map((p) => p.topic))]);
  for (const pass of PASSES) {
    if (pending.length === 0) break;
    const unsettled: Position[] = [];
    await Promise.all(
      [...byLeader(cluster, pending, unsettled)].map(async ([nodeId, list]) => {
        for (let i = 0; i < list.length; i += pass.perRequest) {
          const chunk = list.slice(i, i + pass.perRequest);
          const answers = await fetchChunk(cluster, nodeId, chunk, pass.partitionBytes).catch(() => undefined);
          // A failed request (a leader that moved, a partition retention just emptied) leaves
          // its positions to the single reads, which retry and tell those cases apart.
          if (!answers) unsettled.push(...chunk);
          else for (const p of chunk) settle(p, answers.get(`${p.topic}\u0000${p.partition}`), out, unsettled);
        }
      }),
    );
    pending = unsettled;
  }
  for (const p of pending) {
    const first = await readAlone(p);
    if (first) out.set(positionKey(p), first);
  }
  return out;
}

export function positionKey(p: { topic: string; partition: number; offset: bigint }): string {
  return `${p.topic}\u0000${p.partition}\u0000${p.offset}`;
}

/** Positions by the node id of their partition's leader; those without a known leader go to `orphans`. */
function byLeader(cluster: RawCluster, positions: Position[], orphans: Position[]): Map<string, Position[]> {
  const out = new Map<string, Position[]>();
  const byTopic = new Map<string, Position[]>();
  for (const p of positions) listIn(byTopic, p.topic).push(p);
  for (const [topic, list] of byTopic) {
    for (const p of list) {
      const nodeId = leaderOf(cluster, topic, p.partition);
      if (nodeId == null) orphans.push(p);
      else listIn(out, nodeId).push(p);
    }
  }
  return out;
}

async function fetchChunk(cluster: RawCluster, nodeId: string, chunk: Position[], partitionBytes: number): Promise<Map<string, RawFetchPartition>> {
  const topics = new Map<string, Array<{ partition: number; fetchOffset: string; maxBytes: number }>>();
  for (const p of chunk) listIn(topics, p.topic).push({ partition: p.partition, fetchOffset: p.offset.toString(), maxBytes: partitionBytes });
  const broker = await cluster.findBroker({ nodeId });
  const answer = await broker.fetch({
    replicaId: -1,
    isolationLevel: READ_COMMITTED,
    maxWaitTime: 0,
    minBytes: 1,
    maxBytes: chunk.length * partitionBytes,
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
  });
  return new Map(answer.responses.flatMap((r) => r.partitions.map((d) => [`${r.topicName}\u0000${d.partition}`, d] as const)));
}

function listIn<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** Record what one partition's answer says of a position, or leave it unsettled (truncated, empty below its end). */
function settle(p: Position, data: RawFetchPartition | undefined, out: Map<string, FirstRecord>, unsettled: Position[]): void {
  if (!data) return void unsettled.push(p);
  const visible = visibleRecords(data);
  let covered = p.offset;
  // A fetch answers from the start of the batch that holds the offset: skip what came before.
  for (const m of data.messages) {
    const at = BigInt(m.offset);
    if (at < p.offset) continue;
    if (at >= p.until) return void out.set(positionKey(p), 'end');
    if (!m.isControlRecord && visible.has(m)) return void out.set(positionKey(p), m);
    covered = batchEndOf(m);
  }
  // Nothing visible in what came back: the end if that reached the partition's end or what an
  // open transaction holds back (the last stable offset), else more is to be read.
  const stable = BigInt(data.lastStableOffset);
  const end = stable >= 0n && stable < p.until ? stable : p.until;
  if (covered >= end) out.set(positionKey(p), 'end');
  else unsettled.push(p);
}
