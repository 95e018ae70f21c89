import { UsageError } from '../errors.js';
import type { ClusterSession } from '../kafka/cluster-session.js';
import { uniqueRefs } from '../kafka/topic-partition-map.js';
import type { OffsetsByGroup } from './offsets-csv.js';
import { type GroupResetPlan, planOffsetReset, resetPartitions, tpKey } from './plan-offset-reset.js';
import type { ResetMode, ResetScope } from './reset-mode.js';

export interface OffsetResetRequest {
  groups: string[];
  scope: ResetScope;
  mode: ResetMode;
  /** With --from-file: only these of the file's partitions (optional). */
  narrow?: Array<{ topic: string; partitions: number[] | null }>;
}

/**
 * Fetch what the planner needs for each group (state, members, committed offsets, log
 * offsets, offsets by timestamp) and plan the reset. Nothing is changed.
 */
export async function prepareOffsetReset(session: ClusterSession, request: OffsetResetRequest, now = Date.now()): Promise<GroupResetPlan[]> {
  const { mode, scope } = request;
  const descriptions = await session.groups.describe(request.groups);
  const committedByGroup = await session.groups.committedOf(request.groups);

  const named = [
    ...(scope.kind === 'topics' ? scope.topics.map((t) => t.topic) : []),
    ...(scope.kind === 'all-topics' ? committedByGroup.flat().map((c) => c.topic) : []),
    ...(mode.kind === 'from-file' ? [...mode.offsets.values()].flat().map((r) => r.topic) : []),
  ];
  const topicPartitions = await session.offsets.partitions([...new Set(named)]);

  const scoped = request.groups.map((group, i) =>
    resetPartitions(scope, mode, group, { topicPartitions, committed: committedByGroup[i]! }, request.narrow),
  );
  const all = uniqueRefs(scoped.flat());
  const ranges = new Map((await session.offsets.ranges(all)).map((r) => [tpKey(r.topic, r.partition), { earliest: r.earliest, latest: r.latest }]));
  let timestampOffsets: Map<string, bigint | null> | undefined;
  if (mode.kind === 'to-datetime' || mode.kind === 'by-duration') {
    const at = mode.kind === 'to-datetime' ? mode.timestampMs : now - mode.durationMs;
    timestampOffsets = new Map((await session.offsets.offsetsForTimestamp(all, at)).map((o) => [tpKey(o.topic, o.partition), o.offset]));
  }

  return request.groups.map((group, i) => {
    const d = descriptions.find((x) => x.group === group);
    return planOffsetReset(mode, {
      group,
      state: d?.state ?? 'Unknown',
      members: d?.members ?? [],
      partitions: scoped[i]!,
      committed: new Map(committedByGroup[i]!.filter((c) => c.offset !== null).map((c) => [tpKey(c.topic, c.partition), c.offset!])),
      ranges,
      ...(timestampOffsets ? { timestampOffsets } : {}),
    });
  });
}

/**
 * Commit the planned offsets. Refuses (exit 2, naming the members) before changing anything
 * if any group is active; the broker also refuses a commit without a generation while the
 * group has members, which closes the race with a consumer that joins meanwhile.
 */
export async function executeOffsetReset(session: ClusterSession, plans: GroupResetPlan[]): Promise<void> {
  const refusals = plans.map((p) => p.refusal).filter((r): r is string => r !== null);
  if (refusals.length > 0) throw new UsageError(refusals.join('\n'), 'offsets are reset only while no consumer of the group runs; nothing was changed');
  for (const plan of plans) {
    await session.groups.commit(
      plan.group,
      plan.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.target })),
    );
  }
}

/** The plan's targets, per group, for the CSV export (Kafka's --export). */
export function planTargets(plans: GroupResetPlan[]): OffsetsByGroup {
  return new Map(plans.map((p) => [p.group, p.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.target }))]));
}

/** Committed offsets of each group, for `offsets export` (a rollback point). */
export async function fetchCommittedOffsets(session: ClusterSession, groups: string[], topic?: string): Promise<OffsetsByGroup> {
  const out: OffsetsByGroup = new Map();
  for (const group of groups) {
    const committed = await session.groups.committed(group);
    out.set(
      group,
      committed.filter((c) => c.offset !== null && (topic === undefined || c.topic === topic)).map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset! })),
    );
  }
  return out;
}
