import kafkajs, { type Admin, type ITopicMetadata } from 'kafkajs';
import { UsageError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { requireBrokers } from '../config/resolve-connection.js';
import { createKafka, withAdmin } from './client.js';
import { waitForTopicLeaders } from './topic-readiness.js';

// kafkajs is CommonJS and Node cannot see its enums as named ESM exports.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

export interface PartitionMetadata {
  partition: number;
  /** null while the partition has no leader (offline). */
  leader: number | null;
  replicas: number[];
  isr: number[];
}

export interface PartitionOffsets {
  partition: number;
  /** Decimal strings: offsets are int64. */
  earliest: string;
  latest: string;
}

/** Where a config's effective value comes from, most specific first. */
export type ConfigSourceName = 'topic' | 'broker' | 'cluster-default' | 'static-broker' | 'default' | 'unknown';

export interface ConfigEntry {
  name: string;
  /** null for sensitive values, which Kafka never returns. */
  value: string | null;
  source: ConfigSourceName;
  readOnly: boolean;
  sensitive: boolean;
  /** The value without the topic override (what deleting it reverts to); undefined when Kafka did not say. */
  inherited?: string | null;
}

/** A topic as created, wanted by a topology file, or found on the cluster. */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
}

/** Topic administration in plain types, so src/topics never sees kafkajs. */
export interface TopicAdmin {
  brokerIds(): Promise<number[]>;
  /** The brokers (sorted by id) and the controller's id as the Metadata answer names it. */
  describeCluster(): Promise<{ brokers: BrokerInfo[]; controller: number | null }>;
  topicNames(): Promise<string[]>;
  partitions(topics: string[]): Promise<Map<string, PartitionMetadata[]>>;
  /** Every topic's partitions, internal topics included. */
  allPartitions(): Promise<Map<string, PartitionMetadata[]>>;
  offsets(topic: string): Promise<PartitionOffsets[]>;
  configs(topics: string[]): Promise<Map<string, ConfigEntry[]>>;
  /** false when every topic already existed. */
  createTopics(topics: TopicSpec[], opts?: { validateOnly?: boolean }): Promise<boolean>;
  deleteTopics(topics: string[]): Promise<void>;
  createPartitions(changes: Array<{ topic: string; count: number }>, opts?: { validateOnly?: boolean }): Promise<void>;
  /**
   * Make `overrides` the topic's complete set of topic-level configs. kafkajs has no
   * IncrementalAlterConfigs, so callers read the current overrides and pass them back
   * with their change (a read-modify-write, like kafka-configs.sh before Kafka 2.3).
   */
  replaceTopicConfigs(topic: string, overrides: Record<string, string>, opts?: { validateOnly?: boolean }): Promise<void>;
}

const TIMEOUT_MS = 30_000;

/** Run `fn` with a connected TopicAdmin; connection failures exit 3, Kafka's refusals of input exit 2. */
export async function withTopicAdmin<T>(conn: Connection, fn: (admin: TopicAdmin) => Promise<T>): Promise<T> {
  const brokers = requireBrokers(conn);
  return withAdmin(createKafka(conn, { clientId: 'streamflow-topics' }), brokers, (admin) => fn(topicAdmin(admin)));
}

function topicAdmin(admin: Admin): TopicAdmin {
  return {
    brokerIds: async () => (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b),
    describeCluster: async () => {
      const c = await admin.describeCluster();
      return { brokers: c.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.id - b.id), controller: c.controller ?? null };
    },
    topicNames: () => admin.listTopics(),
    partitions: async (topics) => {
      if (topics.length === 0) return new Map();
      return partitionMetadata(await refused(admin.fetchTopicMetadata({ topics }), `topics ${topics.join(', ')}`));
    },
    // An empty topic list asks Metadata for every topic: one answer, not a listing and then a second read.
    allPartitions: async () => partitionMetadata(await admin.fetchTopicMetadata({ topics: [] })),
    offsets: async (topic) =>
      (await refused(whileLeaderMoves(() => admin.fetchTopicOffsets(topic)), `topic ${topic}`))
        .map((o) => ({ partition: o.partition, earliest: o.low, latest: o.high }))
        .sort((a, b) => a.partition - b.partition),
    configs: async (topics) => {
      if (topics.length === 0) return new Map();
      const res = await refused(
        admin.describeConfigs({ includeSynonyms: true, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) }),
        `the configs of ${topics.join(', ')}`,
      );
      return new Map(res.resources.map((r) => [r.resourceName, r.configEntries.map(toConfigEntry).sort((a, b) => a.name.localeCompare(b.name))]));
    },
    createTopics: async (topics, opts = {}) => {
      if (topics.length === 0) return false;
      const created = await refused(
        admin.createTopics({
          validateOnly: opts.validateOnly ?? false,
          // kafkajs' own wait gives up on the UNKNOWN_TOPIC_OR_PARTITION a multi-broker cluster
          // answers while metadata propagates; waitForTopicLeaders retries through it.
          waitForLeaders: false,
          timeout: TIMEOUT_MS,
          topics: topics.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions,
            replicationFactor: t.replicationFactor,
            configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
          })),
        }),
        `creating ${topics.map((t) => t.name).join(', ')}`,
      );
      if (!opts.validateOnly) await waitUntilServing(admin, topics.map((t) => t.name));
      return created;
    },
    deleteTopics: (topics) => refused(admin.deleteTopics({ topics, timeout: TIMEOUT_MS }), `deleting ${topics.join(', ')}`),
    createPartitions: async (changes, opts = {}) => {
      if (changes.length === 0) return;
      await refused(
        admin.createPartitions({ validateOnly: opts.validateOnly ?? false, timeout: TIMEOUT_MS, topicPartitions: changes }),
        `adding partitions to ${changes.map((c) => `${c.topic} (to ${c.count})`).join(', ')}`,
      );
      if (!opts.validateOnly) await waitUntilServing(admin, changes.map((c) => c.topic));
    },
    replaceTopicConfigs: async (topic, overrides, opts = {}) => {
      await refused(
        admin.alterConfigs({
          validateOnly: opts.validateOnly ?? false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(overrides).map(([name, value]) => ({ name, value })) }],
        }),
        `the configs ${Object.entries(overrides).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)'} of ${topic}`,
      );
    },
  };
}

/**
 * Return only once every partition's leader serves requests, so a producer started right
 * after `topic create` or `add-partitions` is not refused. Metadata names a leader a moment
 * before that leader accepts requests (NOT_LEADER_OR_FOLLOWER), and a non-idempotent
 * producer retrying such a refusal can write the rest of its batch twice.
 */
function partitionMetadata(meta: { topics: ITopicMetadata[] }): Map<string, PartitionMetadata[]> {
  return new Map(
    meta.topics.map((t) => [
      t.name,
      t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader >= 0 ? p.leader : null, replicas: [...p.replicas], isr: [...p.isr] }))
        .sort((a, b) => a.partition - b.partition),
    ]),
  );
}

async function waitUntilServing(admin: Admin, topics: string[]): Promise<void> {
  await waitForTopicLeaders(admin, topics, TIMEOUT_MS);
  // Just created, a topic can also be unknown to the broker that answers for a moment.
  for (const topic of topics) await whileLeaderMoves(() => admin.fetchTopicOffsets(topic), ['UNKNOWN_TOPIC_OR_PARTITION']);
}

/** Errors of a partition whose leader is starting or moving (a new partition, a broker failover). */
const LEADER_MOVING = ['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'REPLICA_NOT_AVAILABLE'];

/** Retry `call` while Kafka answers that a leader is not ready yet (or another of `also`), up to TIMEOUT_MS. */
async function whileLeaderMoves<T>(call: () => Promise<T>, also: string[] = []): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (let delay = 25; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await call();
    } catch (err) {
      const types = kafkaErrorTypes(err);
      if (!types.some((t) => LEADER_MOVING.includes(t) || also.includes(t)) || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const SOURCE_NAMES: Record<number, ConfigSourceName> = {
  [ConfigSource.TOPIC_CONFIG]: 'topic',
  [ConfigSource.DYNAMIC_BROKER_CONFIG]: 'broker',
  [ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'cluster-default',
  [ConfigSource.STATIC_BROKER_CONFIG]: 'static-broker',
  [ConfigSource.DEFAULT_CONFIG]: 'default',
};

function toConfigEntry(e: {
  configName: string;
  configValue: string;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  configSynonyms: Array<{ configValue: string; configSource: number }>;
}): ConfigEntry {
  const entry: ConfigEntry = {
    name: e.configName,
    value: e.isSensitive ? null : (e.configValue ?? null),
    source: SOURCE_NAMES[e.configSource] ?? 'unknown',
    readOnly: e.readOnly,
    sensitive: e.isSensitive,
  };
  // Synonyms come most specific first; the first one below the topic level is what remains
  // once the override is gone. Kafka omits unset levels, so there may be none.
  const below = e.configSynonyms.find((s) => s.configSource !== ConfigSource.TOPIC_CONFIG);
  if (below) entry.inherited = e.isSensitive ? null : below.configValue;
  else if (entry.source !== 'topic') entry.inherited = entry.value;
  return entry;
}

/** Kafka codes that mean "your request is wrong", not "the cluster is in trouble". */
const INPUT_ERRORS = new Set([
  'INVALID_CONFIG',
  'INVALID_PARTITIONS',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
  'TOPIC_ALREADY_EXISTS',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TOPIC_DELETION_DISABLED',
]);

/** Await a kafkajs call; Kafka's refusal of the input becomes a UsageError (exit 2) naming what was refused. */
async function refused<T>(call: Promise<T>, what: string): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const input = kafkaErrors(err).find((e) => e.type !== undefined && INPUT_ERRORS.has(e.type));
    if (input) throw new UsageError(`Kafka refused ${what}: ${input.message} (${input.type})`);
    throw err;
  }
}

type KafkaError = { type?: string; message?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] };

/** The error and what kafkajs wrapped in it: retry wrappers keep the broker's error as cause/originalError, batch calls list one per topic. */
function kafkaErrors(err: unknown, depth = 0): KafkaError[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as KafkaError;
  return [e, ...[e.cause, e.originalError, ...(e.errors ?? [])].filter((c) => c !== err).flatMap((c) => kafkaErrors(c, depth + 1))];
}

function kafkaErrorTypes(err: unknown): string[] {
  return kafkaErrors(err).flatMap((e) => (e.type ? [e.type] : []));
}
