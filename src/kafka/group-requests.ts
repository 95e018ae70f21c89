import type { RawCluster } from './kafkajs-cluster.js';
import { type RawRequest, Writer, createErrorFromCode, sendRaw, stringSize } from './raw-request.js';

/*
 * ListGroups, OffsetFetch and DescribeGroups encoded by streamflow. The last two go to a
 * group's coordinator, which is looked up once and kept until it answers that it is not (or
 * no longer) the coordinator. kafkajs' admin asks FindCoordinator again before every call (a
 * refresh of 50 groups cost 100 extra round trips), decodes every offset through Long and
 * strings, and re-reads the metadata of every topic before each ListGroups.
 */

const OFFSET_FETCH = 9;
const LIST_GROUPS = 16;
const DESCRIBE_GROUPS = 15;
/** The errors that mean "ask FindCoordinator again". */
const COORDINATOR_ERRORS = new Set([14, 15, 16]); // COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1: nothing committed. */
  offset: bigint;
  metadata: string | null;
}

export interface DescribedGroup {
  errorCode: number;
  group: string;
  state: string;
  protocolType: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }>;
}

/** Each group's coordinator (a node id), found once and forgotten when it says it is not. */
export class GroupCoordinators {
  private known = new Map<string, Promise<string>>();

  constructor(private readonly cluster: RawCluster) {}

  of(group: string): Promise<string> {
    let nodeId = this.known.get(group);
    if (!nodeId) {
      nodeId = this.cluster.findGroupCoordinatorMetadata({ groupId: group }).then((m) => String(m.coordinator.nodeId));
      this.known.set(group, nodeId);
      nodeId.catch(() => this.known.delete(group));
    }
    return nodeId;
  }

  forget(group: string): void {
    this.known.delete(group);
  }

  /** Send `req` to the coordinator of `groups`; a failure (a broker gone, a connection refused) forgets it, so the next call asks FindCoordinator again. */
  async send<T>(groups: string[], nodeId: string, req: RawRequest<T>): Promise<T> {
    try {
      return await sendRaw(this.cluster, nodeId, req);
    } catch (err) {
      for (const g of groups) this.forget(g);
      throw err;
    }
  }

  /** Forget the groups' coordinators if `code` says it moved, and throw Kafka's error for a failed `code`. */
  check(code: number, groups: string[]): void {
    if (code === 0) return;
    if (COORDINATOR_ERRORS.has(code)) for (const g of groups) this.forget(g);
    throw createErrorFromCode(code);
  }
}

/**
 * The group's committed offsets (version 3): of `byTopic`'s partitions, or of every partition
 * it committed to when null. An error Kafka answers for the group or a partition fails the call.
 */
export async function offsetFetch(coordinators: GroupCoordinators, group: string, byTopic: Map<string, number[]> | null): Promise<FetchedOffset[]> {
  let size = stringSize(group) + 4;
  for (const [topic, partitions] of byTopic ?? []) size += stringSize(topic) + 4 + 4 * partitions.length;
  const w = new Writer(size).string(group).int32(byTopic === null ? -1 : byTopic.size);
  for (const [topic, partitions] of byTopic ?? []) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p);
  }
  const answer = await coordinators.send([group], await coordinators.of(group), {
    apiKey: OFFSET_FETCH,
    apiVersion: 3,
    apiName: 'OffsetFetch',
    body: w.done(),
    decode: (r) => {
      r.int32(); // throttle time
      let failed = 0;
      const offsets: FetchedOffset[] = [];
      r.array((t) => {
        const topic = t.string();
        t.array((p) => {
          const partition = p.int32();
          const offset = p.int64();
          const metadata = p.nullableString() || null;
          const errorCode = p.int16();
          if (errorCode !== 0 && failed === 0) failed = errorCode;
          offsets.push({ topic, partition, offset, metadata });
        });
      });
      return { offsets, errorCode: r.int16() || failed };
    },
  });
  coordinators.check(answer.errorCode, [group]);
  return answer.offsets;
}

/**
 * The groups as their coordinators describe them (version 1), in the order asked; a group
 * whose coordinator moved fails the call (callers retry), any other error comes back as the
 * group's errorCode.
 */
export async function describeGroups(coordinators: GroupCoordinators, groups: string[]): Promise<DescribedGroup[]> {
  const byCoordinator = new Map<string, string[]>();
  for (const [i, nodeId] of (await Promise.all(groups.map((g) => coordinators.of(g)))).entries()) {
    const list = byCoordinator.get(nodeId);
    if (list) list.push(groups[i]!);
    else byCoordinator.set(nodeId, [groups[i]!]);
  }
  const described = new Map<string, DescribedGroup>();
  await Promise.all(
    [...byCoordinator].map(async ([nodeId, asked]) => {
      let size = 4;
      for (const g of asked) size += stringSize(g);
      const w = new Writer(size).int32(asked.length);
      for (const g of asked) w.string(g);
      const answer = await coordinators.send(asked, nodeId, {
        apiKey: DESCRIBE_GROUPS,
        apiVersion: 1,
        apiName: 'DescribeGroups',
        body: w.done(),
        decode: (r) => {
          r.int32(); // throttle time
          return r.array((g): DescribedGroup => {
            const errorCode = g.int16();
            const group = g.string();
            const state = g.string();
            const protocolType = g.string();
            g.string(); // the protocol (the assignor's name)
            const members = g.array((m) => {
              const memberId = m.string();
              const clientId = m.string();
              const clientHost = m.string();
              m.bytes(); // the member's subscription
              return { memberId, clientId, clientHost, memberAssignment: m.bytes() };
            });
            return { errorCode, group, state, protocolType, members };
          });
        },
      });
      for (const g of answer) {
        if (COORDINATOR_ERRORS.has(g.errorCode)) coordinators.check(g.errorCode, asked);
        described.set(g.group, g);
      }
    }),
  );
  return groups.map((g) => described.get(g) ?? { errorCode: 0, group: g, state: 'Dead', protocolType: '', members: [] });
}

/** Every group each broker coordinates (ListGroups, version 2), with its protocol type ('consumer', '' for offsets-only groups, ...). */
export async function listGroups(cluster: RawCluster): Promise<Array<{ group: string; protocolType: string }>> {
  // The brokers as metadata knew them at most metadataMaxAge ago (5 min, as Java clients' metadata.max.age.ms).
  await cluster.refreshMetadataIfNecessary();
  const perBroker = await Promise.all(
    cluster.getNodeIds().map((nodeId) =>
      sendRaw(cluster, String(nodeId), {
        apiKey: LIST_GROUPS,
        apiVersion: 2,
        apiName: 'ListGroups',
        body: Buffer.alloc(0),
        decode: (r) => {
          r.int32(); // throttle time
          const errorCode = r.int16();
          return { errorCode, groups: r.array((g) => ({ group: g.string(), protocolType: g.string() })) };
        },
      }),
    ),
  );
  const failed = perBroker.find((b) => b.errorCode !== 0);
  if (failed) throw createErrorFromCode(failed.errorCode);
  return perBroker.flatMap((b) => b.groups);
}
