import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';

/*
 * kafkajs' public API has no group-less Fetch (consumers cannot assign/seek without joining a
 * group) and no OffsetCommit with generation -1 (what Java's Admin.alterConsumerGroupOffsets
 * sends). Both live on its internal Cluster/Broker objects, which every kafkajs client is
 * built on. kafkajs is pinned to 2.2.4 (its last release), so these shapes do not move; if
 * they ever do, internalCluster() fails loudly instead of misbehaving.
 */

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface RawRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | Array<Buffer | null>>;
  isControlRecord: boolean;
  batchContext: { producerId: string; inTransaction: boolean; firstOffset: string; lastOffsetDelta: number };
}

export interface RawFetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset: string;
  abortedTransactions: Array<{ producerId: string; firstOffset: string }>;
  messages: RawRecord[];
}

export interface RawBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: RawFetchPartition[] }> }>;
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
  }): Promise<unknown>;
}

export interface RawCluster {
  /** The isolation level it was created with (what its ListOffsets at "latest" answers). */
  readonly isolationLevel: number;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  /** Refresh metadata when it is older than the cluster's metadataMaxAge. */
  refreshMetadataIfNecessary(): Promise<void>;
  /** The brokers' node ids as last known from metadata. */
  getNodeIds(): number[];
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  /** The topic's partitions as last known from metadata (addMultipleTargetTopics first). */
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findBroker(args: { nodeId: string }): Promise<RawBroker>;
  findGroupCoordinator(args: { groupId: string }): Promise<RawBroker>;
  /** FindCoordinator, asked of any broker. */
  findGroupCoordinatorMetadata(args: { groupId: string }): Promise<{ coordinator: { nodeId: number } }>;
}

const require = createRequire(import.meta.url);

/** kafkajs' own read_committed filter (the one its consumers use): drops records of aborted transactions. */
export const filterAbortedMessages: (args: { messages: RawRecord[]; abortedTransactions: RawFetchPartition['abortedTransactions'] }) => RawRecord[] = require(
  'kafkajs/src/consumer/filterAbortedMessages.js',
);

/** The records of a fetch answer a read_committed reader sees (kafkajs' filter wants the aborted transactions in offset order). */
export function visibleRecords(data: RawFetchPartition): Set<RawRecord> {
  const aborted = [...data.abortedTransactions].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : 1));
  return new Set(filterAbortedMessages({ messages: data.messages, abortedTransactions: aborted }));
}

/** The offset after the batch that holds `m` (compaction can leave a batch's last offsets empty). */
export function batchEndOf(m: RawRecord): bigint {
  return BigInt(m.batchContext.firstOffset) + BigInt(m.batchContext.lastOffsetDelta) + 1n;
}

/**
 * A Cluster of its own from a kafkajs client (separate connections), listing offsets at the
 * given isolation level: READ_UNCOMMITTED makes "latest" the high watermark, as Java's Admin
 * and Kafka's tools report it.
 */
export function internalCluster(kafka: Kafka, isolationLevel: number): RawCluster {
  const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = create && (kafka as unknown as Record<symbol, unknown>)[create];
  if (typeof factory !== 'function') throw new Error('this kafkajs version does not expose its cluster factory (streamflow needs kafkajs 2.2.x)');
  const cluster = factory({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, isolationLevel }) as RawCluster;
  for (const method of ['connect', 'findBroker', 'findGroupCoordinator', 'findGroupCoordinatorMetadata', 'findTopicPartitionMetadata', 'getNodeIds', 'refreshMetadataIfNecessary', 'addMultipleTargetTopics'] as const) {
    if (typeof cluster[method] !== 'function') throw new Error(`kafkajs' cluster has no ${method}() (streamflow needs kafkajs 2.2.x)`);
  }
  return cluster;
}
