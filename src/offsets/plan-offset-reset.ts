import { UsageError } from '../errors.js';
import type { GroupMember } from '../kafka/consumer-groups.js';
import type { TopicPartitionRef } from '../kafka/log-offsets.js';
import type { ResetMode, ResetScope } from './reset-mode.js';
import { byTopicPartition } from '../kafka/topic-partition-order.js';

/** What the planner needs to know about one group, fetched beforehand (fetch-reset-facts.ts). */
export interface ResetFacts {
  group: string;
  state: string;
  members: GroupMember[];
  /** The partitions to reset, resolved from the scope (resetPartitions). */
  partitions: TopicPartitionRef[];
  /** Committed offsets by tpKey(); absent where the group has none. */
  committed: Map<string, bigint>;
  /** Log start and end offsets by tpKey() of every partition to reset. */
  ranges: Map<string, { earliest: bigint; latest: bigint }>;
  /** to-datetime / by-duration: ListOffsets by timestamp, null where no record is that new. */
  timestampOffsets?: Map<string, bigint | null>;
}

export interface PlannedOffset {
  topic: string;
  partition: number;
  current: bigint | null;
  target: bigint;
  /** Why the target is not simply what was asked (clamped, a fallback). */
  note?: string;
}

export interface GroupResetPlan {
  group: string;
  state: string;
  /** Members that make Kafka (and streamflow) refuse to apply the plan. */
  activeMembers: GroupMember[];
  /** Why the plan cannot be applied now (active members, a rebalance); null when it can. */
  refusal: string | null;
  offsets: PlannedOffset[];
  warnings: string[];
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The partitions a reset covers, as Kafka's tool resolves them: --all-topics means those the
 * group has committed offsets for; --topic T means all of T's partitions, T:0,2 only those
 * (each must exist); --from-file means the file's rows for the group (narrowed by --topic,
 * a streamflow addition).
 */
export function resetPartitions(
  scope: ResetScope,
  mode: ResetMode,
  group: string,
  known: { topicPartitions: Map<string, number[]>; committed: TopicPartitionRef[] },
  narrow?: Array<{ topic: string; partitions: number[] | null }>,
): TopicPartitionRef[] {
  let refs: TopicPartitionRef[];
  if (mode.kind === 'from-file') {
    refs = (mode.offsets.get(group) ?? []).map((r) => ({ topic: r.topic, partition: r.partition }));
    if (narrow) refs = refs.filter((r) => narrow.some((n) => n.topic === r.topic && (n.partitions === null || n.partitions.includes(r.partition))));
  } else if (scope.kind === 'all-topics') {
    refs = known.committed.map((c) => ({ topic: c.topic, partition: c.partition }));
  } else if (scope.kind === 'topics') {
    refs = scope.topics.flatMap((t) => (t.partitions ?? known.topicPartitions.get(t.topic) ?? []).map((partition) => ({ topic: t.topic, partition })));
  } else {
    throw new UsageError('name the partitions to reset: --topic T[:p,..] or --all-topics');
  }
  const missing = refs.filter((r) => !(known.topicPartitions.get(r.topic) ?? []).includes(r.partition));
  if (missing.length > 0) throw new UsageError(`the partitions ${missing.map((m) => `${m.topic}-${m.partition}`).join(', ')} do not exist`);
  const unique = new Map(refs.map((r) => [tpKey(r.topic, r.partition), r]));
  return [...unique.values()].sort(byTopicPartition);
}

/**
 * New committed offsets for one group, computed exactly like Kafka's ConsumerGroupCommand:
 * - to-offset, shift-by and from-file are clamped to [earliest, latest];
 * - to-datetime / by-duration take the first offset at or after the time (ListOffsets by
 *   timestamp) and fall back to the latest offset where no record is that new (not clamped);
 * - to-current keeps the committed offset and falls back to the latest where there is none;
 * - shift-by refuses a partition without a committed offset.
 */
export function planOffsetReset(mode: ResetMode, facts: ResetFacts): GroupResetPlan {
  const warnings: string[] = [];
  const offsets = facts.partitions.map((tp): PlannedOffset => {
    const k = tpKey(tp.topic, tp.partition);
    const range = facts.ranges.get(k);
    if (!range) throw new Error(`no log offsets for ${tp.topic}-${tp.partition}`);
    const current = facts.committed.get(k) ?? null;
    const planned = (target: bigint, note?: string): PlannedOffset => {
      if (note) warnings.push(`${tp.topic}-${tp.partition}: ${note}`);
      return { topic: tp.topic, partition: tp.partition, current, target, ...(note ? { note } : {}) };
    };
    const clamped = (asked: bigint) =>
      asked > range.latest
        ? planned(range.latest, `${asked} is above the latest offset; using ${range.latest}`)
        : asked < range.earliest
          ? planned(range.earliest, `${asked} is below the earliest offset; using ${range.earliest}`)
          : planned(asked);
    switch (mode.kind) {
      case 'to-earliest':
        return planned(range.earliest);
      case 'to-latest':
        return planned(range.latest);
      case 'to-offset':
        return clamped(mode.offset);
      case 'shift-by':
        if (current === null) {
          throw new UsageError(
            `cannot shift the offset of ${tp.topic}-${tp.partition} for group ${facts.group}: it has no committed offset`,
            'limit --topic to partitions with offsets (T:0,1), or use --to-earliest/--to-latest/--to-offset',
          );
        }
        return clamped(current + mode.shift);
      case 'to-datetime':
      case 'by-duration': {
        const found = facts.timestampOffsets?.get(k);
        if (found === undefined) throw new Error(`no offset by timestamp for ${tp.topic}-${tp.partition}`);
        return found === null ? planned(range.latest, `no record at or after the time; falling back to the latest offset ${range.latest}`) : planned(found);
      }
      case 'to-current':
        return current === null ? planned(range.latest, `no committed offset; falling back to the latest offset ${range.latest}`) : planned(current);
      case 'from-file': {
        const row = mode.offsets.get(facts.group)?.find((r) => r.topic === tp.topic && r.partition === tp.partition);
        if (!row) throw new Error(`no row for ${tp.topic}-${tp.partition} in the file`);
        return clamped(row.offset);
      }
    }
  });
  if (mode.kind === 'from-file' && !mode.offsets.has(facts.group)) warnings.push(`the file has no offsets for group ${facts.group}`);
  return { group: facts.group, state: facts.state, activeMembers: facts.members, refusal: refusalOf(facts), offsets, warnings };
}

/** Kafka resets only inactive groups (Empty, or Dead: no such group yet). */
function refusalOf(facts: ResetFacts): string | null {
  if (facts.members.length > 0) {
    const who = facts.members.map((m) => `member ${m.memberId} (client id ${m.clientId}, host ${m.host})`).join(', ');
    return `group ${facts.group} has ${facts.members.length} active member${facts.members.length === 1 ? '' : 's'}: ${who}; stop them before resetting its offsets`;
  }
  if (facts.state !== 'Empty' && facts.state !== 'Dead') return `group ${facts.group} is ${facts.state}; offsets can only be reset while it is inactive (Empty)`;
  return null;
}

/** target - current; null without a committed offset. */
export function offsetDelta(o: PlannedOffset): number | null {
  return o.current === null ? null : Number(o.target - o.current);
}
