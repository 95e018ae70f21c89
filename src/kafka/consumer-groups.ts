import kafkajs, { type Admin } from 'kafkajs';
import { UsageError } from '../errors.js';
import { withKafkaRetry } from './kafka-retry.js';
import type { RawCluster } from './kafkajs-cluster.js';
import { byTopicPartition } from './topic-partition-order.js';
import { type DescribedGroup, type FetchedOffset, GroupCoordinators, describeGroups, listGroups, offsetFetch, offsetFetchGroups } from './group-requests.js';
import { createErrorFromCode } from './raw-request.js';

const { AssignerProtocol } = kafkajs;
const UNKNOWN_TOPIC_OR_PARTITION = 3;

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** What the group's leader assigned to this member (consumer groups only). */
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupDescription {
  group: string;
  /** Kafka's state name: Stable, Empty, Dead (no such group), PreparingRebalance, CompletingRebalance; Unknown if Kafka would not describe it. */
  state: string;
  members: GroupMember[];
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** null: the group has no committed offset there. */
  offset: bigint | null;
  /** The metadata string committed with the offset (a redrive job keeps its counts there). */
  metadata: string | null;
}

/** Consumer groups in plain types, so src/lag, src/offsets and src/dlq never see kafkajs. */
export interface ConsumerGroupAdmin {
  /** Consumer groups (and "simple" groups that only hold committed offsets), sorted. */
  list(): Promise<string[]>;
  /** In the order asked. */
  describe(groups: string[]): Promise<GroupDescription[]>;
  /** Committed offsets: of every partition the group committed to, or of `topics`' partitions (null where none). */
  committed(group: string, topics?: string[]): Promise<CommittedOffset[]>;
  /** Every partition each group committed to, in the order asked (batched per coordinator). */
  committedOf(groups: string[]): Promise<CommittedOffset[][]>;
  /**
   * Commit offsets for a group that has no members, as Java's Admin.alterConsumerGroupOffsets
   * does (OffsetCommit with generation -1). The broker refuses it while the group has members.
   */
  commit(group: string, offsets: TopicPartitionOffset[]): Promise<void>;
  /** Delete groups that have no members (their committed offsets go with them). */
  delete(groups: string[]): Promise<void>;
}

export function consumerGroupAdmin(admin: Admin, cluster: RawCluster): ConsumerGroupAdmin {
  // Between attempts: metadata may be stale (a topic just created, a coordinator that moved).
  const refresh = { beforeRetry: () => cluster.refreshMetadata() };
  const coordinators = new GroupCoordinators(cluster);
  // A failed attempt may be a coordinator gone away without saying so (a connection refused): find it again.
  const refind = (groups: string[]) => ({
    beforeRetry: () => {
      for (const g of groups) coordinators.forget(g);
      return cluster.refreshMetadata();
    },
  });
  const partitionsOf = async (topics: string[]) => {
    await cluster.addMultipleTargetTopics(topics);
    return new Map(
      topics.map((topic) => {
        const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId);
        if (partitions.length === 0) throw createErrorFromCode(UNKNOWN_TOPIC_OR_PARTITION);
        return [topic, partitions.sort((a, b) => a - b)];
      }),
    );
  };
  return {
    list: async () =>
      (await withKafkaRetry(() => listGroups(cluster), refresh))
        .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
        .map((g) => g.group)
        .sort(),
    describe: async (groups) => {
      if (groups.length === 0) return [];
      const described = await withKafkaRetry(() => describeGroups(coordinators, groups), refind(groups));
      // A group Kafka will not describe (e.g. a KIP-848 consumer-protocol group) is listed as Unknown.
      return described.map((g) => (g.errorCode === 0 ? toDescription(g) : { group: g.group, state: 'Unknown', members: [] }));
    },
    committed: async (group, topics) => {
      // The named topics exist (the caller listed them): UNKNOWN_TOPIC_OR_PARTITION right after
      // their creation only means metadata has not propagated yet.
      const answer = await withKafkaRetry(async () => offsetFetch(coordinators, group, topics ? await partitionsOf([...new Set(topics)]) : null), {
        ...refind([group]),
        unknownTopicIsTransient: topics !== undefined,
      });
      return topics === undefined ? onlyCommitted(answer) : answer.map(toCommitted).sort(byTopicPartition);
    },
    committedOf: async (groups) => {
      if (groups.length === 0) return [];
      return (await withKafkaRetry(() => offsetFetchGroups(coordinators, groups), refind(groups))).map(onlyCommitted);
    },
    commit: async (group, offsets) => {
      if (offsets.length === 0) return;
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const o of offsets) {
        const list = byTopic.get(o.topic);
        const entry = { partition: o.partition, offset: o.offset.toString() };
        if (list) list.push(entry);
        else byTopic.set(o.topic, [entry]);
      }
      try {
        // A coordinator error means the commit was not applied: find the coordinator again and resend.
        await withKafkaRetry(
          async () => {
            const coordinator = await cluster.findGroupCoordinator({ groupId: group });
            await coordinator.offsetCommit({
              groupId: group,
              groupGenerationId: -1,
              memberId: '',
              topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
            });
          },
          { ...refresh, unknownTopicIsTransient: true },
        );
      } catch (err) {
        const type = (err as { type?: string }).type;
        if (type === 'UNKNOWN_MEMBER_ID' || type === 'ILLEGAL_GENERATION' || type === 'REBALANCE_IN_PROGRESS') {
          throw new UsageError(`Kafka refused to commit offsets for group ${group}: the group has active members (${type})`, 'stop its consumers first');
        }
        throw err;
      }
    },
    delete: async (groups) => {
      if (groups.length === 0) return;
      try {
        await withKafkaRetry(() => admin.deleteGroups(groups), refresh);
      } catch (err) {
        // A group that never committed anything does not exist: nothing to delete.
        const failed = (err as { groups?: Array<{ error?: { type?: string } }> }).groups ?? [];
        if (failed.length === 0 || failed.some((g) => g.error?.type !== 'GROUP_ID_NOT_FOUND')) throw err;
      }
    },
  };
}

const toCommitted = (o: FetchedOffset): CommittedOffset => ({ topic: o.topic, partition: o.partition, offset: o.offset < 0n ? null : o.offset, metadata: o.metadata });

/** The partitions with a committed offset, sorted. */
const onlyCommitted = (fetched: FetchedOffset[]) => fetched.map(toCommitted).filter((o) => o.offset !== null).sort(byTopicPartition);

function toDescription(g: DescribedGroup): GroupDescription {
  return {
    group: g.group,
    state: g.state,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: g.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
    })),
  };
}

function decodeAssignment(buffer: Buffer): GroupMember['assignment'] {
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    // A non-standard assignor's bytes: the member is still listed, without partitions.
    return [];
  }
}
