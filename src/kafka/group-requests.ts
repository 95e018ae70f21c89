import type { RawCluster } from './kafkajs-cluster.js';
import { type RawRequest, Writer, compactStringSize, createErrorFromCode, maxVersion, sendRaw, stringSize, uvarintSize } from './raw-request.js';

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
/** Groups per batched OffsetFetch: bounds one answer's size on a cluster with thousands of groups. */
const GROUPS_PER_OFFSET_FETCH = 50;
/** Version-3 OffsetFetches in flight at once to a coordinator older than Kafka 3.0. */
const UNBATCHED_IN_FLIGHT = 8;
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

  constructor(readonly cluster: RawCluster) {}

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
      const fetched = new GroupOffsets();
      r.array((t) => {
        const topic = t.string();
        t.array((p) => fetched.add(topic, p.int32(), p.int64(), p.nullableString(), p.int16()));
      });
      return fetched.withGroupError(r.int16());
    },
  });
  coordinators.check(answer.errorCode, [group]);
  return answer.offsets;
}

/**
 * Every partition each group committed to, in the order asked: one OffsetFetch (version 8,
 * KIP-709, Kafka 3.0+) per coordinator for up to GROUPS_PER_OFFSET_FETCH groups, where a
 * refresh asked one request per group. A coordinator that speaks only older versions gets one
 * version-3 request per group. A group's error fails the call.
 */
export async function offsetFetchGroups(coordinators: GroupCoordinators, groups: string[]): Promise<FetchedOffset[][]> {
  const fetched = new Map<string, FetchedOffset[]>();
  await Promise.all(
    [...(await byCoordinator(coordinators, groups))].map(async ([nodeId, asked]) => {
      const batched = (await maxVersion(coordinators.cluster, nodeId, OFFSET_FETCH)) >= 8;
      // Unbatched, a few groups at a time, not to flood the coordinator.
      const perRequest = batched ? GROUPS_PER_OFFSET_FETCH : UNBATCHED_IN_FLIGHT;
      for (let i = 0; i < asked.length; i += perRequest) {
        const chunk = asked.slice(i, i + perRequest);
        if (batched) for (const [group, offsets] of await offsetFetchV8(coordinators, nodeId, chunk)) fetched.set(group, offsets);
        else await Promise.all(chunk.map(async (g) => fetched.set(g, await offsetFetch(coordinators, g, null))));
      }
    }),
  );
  return groups.map((g) => fetched.get(g) ?? []);
}

/** One OffsetFetch v8 for `groups` (all coordinated by `nodeId`), every partition of each. */
async function offsetFetchV8(coordinators: GroupCoordinators, nodeId: string, groups: string[]): Promise<Map<string, FetchedOffset[]>> {
  // groups, then per group: id, null topics (all of them), tags; require_stable.
  let size = uvarintSize(groups.length + 1) + 2;
  for (const g of groups) size += compactStringSize(g) + 2;
  const w = new Writer(size).compactCount(groups.length);
  for (const g of groups) w.compactString(g).compactCount(null).noTags();
  w.int8(0).noTags();
  const answer = await coordinators.send(groups, nodeId, {
    apiKey: OFFSET_FETCH,
    apiVersion: 8,
    apiName: 'OffsetFetch',
    flexible: true,
    body: w.done(),
    decode: (r) => {
      r.int32(); // throttle time
      return r.compactArray((g) => {
        const group = g.compactString();
        const fetched = new GroupOffsets();
        g.compactArray((t) => {
          const topic = t.compactString();
          t.compactArray((p) => {
            const partition = p.int32();
            const offset = p.int64();
            p.int32(); // the committed leader epoch
            fetched.add(topic, partition, offset, p.compactNullableString(), p.int16());
            p.tags();
          });
          t.tags();
        });
        const answer = { group, ...fetched.withGroupError(g.int16()) };
        g.tags();
        return answer;
      });
    },
  });
  const out = new Map<string, FetchedOffset[]>();
  for (const g of answer) {
    coordinators.check(g.errorCode, [g.group]);
    out.set(g.group, g.offsets);
  }
  return out;
}

/** One group's offsets as an OffsetFetch answer lists them, and its first error (the group's, else a partition's). */
class GroupOffsets {
  readonly offsets: FetchedOffset[] = [];
  private failed = 0;

  add(topic: string, partition: number, offset: bigint, metadata: string | null, errorCode: number): void {
    if (errorCode !== 0 && this.failed === 0) this.failed = errorCode;
    this.offsets.push({ topic, partition, offset, metadata: metadata || null });
  }

  withGroupError(code: number): { offsets: FetchedOffset[]; errorCode: number } {
    return { offsets: this.offsets, errorCode: code || this.failed };
  }
}

/** `groups` by the node id of their coordinator. */
async function byCoordinator(coordinators: GroupCoordinators, groups: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [i, nodeId] of (await Promise.all(groups.map((g) => coordinators.of(g)))).entries()) {
    const list = out.get(nodeId);
    if (list) list.push(groups[i]!);
    else out.set(nodeId, [groups[i]!]);
  }
  return out;
}

/**
 * The groups as their coordinators describe them (version 1), in the order asked; a group
 * whose coordinator moved fails the call (callers retry), any other error comes back as the
 * group's errorCode.
 */
export async function describeGroups(coordinators: GroupCoordinators, groups: string[]): Promise<DescribedGroup[]> {
  const described = new Map<string, DescribedGroup>();
  await Promise.all(
    [...(await byCoordinator(coordinators, groups))].map(async ([nodeId, asked]) => {
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
