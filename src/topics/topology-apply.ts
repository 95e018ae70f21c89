import type { Connection } from '../config/resolve-connection.js';
import { type TopicAdmin, type TopicSpec, withTopicAdmin } from '../kafka/topic-admin.js';
import { topicOverrides } from './config-change.js';
import type { Topology } from './topology-file.js';
import { type TopologyPlan, planTopology, resolveDesiredTopics } from './topology-plan.js';

export interface ClusterTopologyPlan {
  brokerCount: number;
  desired: TopicSpec[];
  plan: TopologyPlan;
}

/** Read the cluster's side of the file's topics and plan against it. */
export async function planTopologyOnCluster(conn: Connection, topology: Topology): Promise<ClusterTopologyPlan> {
  return withTopicAdmin(conn, async (admin) => {
    const brokerCount = (await admin.brokerIds()).length;
    const desired = resolveDesiredTopics(topology, brokerCount);
    const existing = new Set(await admin.topicNames());
    const actual = await fetchActualTopics(admin, desired.map((t) => t.name).filter((n) => existing.has(n)));
    const knownConfigs = await topicConfigNames(admin, actual, [...existing]);
    return { brokerCount, desired, plan: planTopology(desired, actual, { brokerCount, ...(knownConfigs ? { knownConfigs } : {}) }) };
  });
}

/** Partitions, replication factor and effective configs of existing topics. */
export async function fetchActualTopics(admin: TopicAdmin, names: string[]): Promise<TopicSpec[]> {
  const [partitions, configs] = await Promise.all([admin.partitions(names), admin.configs(names)]);
  return names.map((name) => {
    const parts = partitions.get(name) ?? [];
    const entries = configs.get(name) ?? [];
    return {
      name,
      partitions: parts.length,
      replicationFactor: parts[0]?.replicas.length ?? 0,
      configs: Object.fromEntries(entries.filter((e) => e.value !== null).map((e) => [e.name, e.value!])),
    };
  });
}

/** Every topic has the same config names; read them off any topic, if the cluster has one. */
async function topicConfigNames(admin: TopicAdmin, actual: TopicSpec[], existing: string[]): Promise<Set<string> | undefined> {
  const sample = actual[0];
  if (sample) return new Set(Object.keys(sample.configs));
  const any = existing[0];
  if (any === undefined) return undefined;
  return new Set((await admin.configs([any])).get(any)?.map((e) => e.name));
}

/**
 * Apply a plan: create topics, then write changed configs, then add partitions. With
 * `validateOnly` Kafka checks every request and changes nothing (the dry run).
 */
export async function executeTopologyPlan(conn: Connection, plan: TopologyPlan, opts: { validateOnly?: boolean } = {}): Promise<void> {
  await withTopicAdmin(conn, async (admin) => {
    const creates = plan.changes.flatMap((c) => (c.action === 'create' ? [{ name: c.topic, partitions: c.partitions, replicationFactor: c.replicationFactor, configs: c.configs }] : []));
    await admin.createTopics(creates, opts);

    const alters = plan.changes.flatMap((c) => (c.action === 'alter' ? [c] : []));
    const configAlters = alters.filter((c) => c.configs.length > 0);
    const current = await admin.configs(configAlters.map((c) => c.topic));
    for (const change of configAlters) {
      const overrides = topicOverrides(change.topic, current.get(change.topic) ?? []);
      for (const c of change.configs) overrides[c.name] = c.to;
      await admin.replaceTopicConfigs(change.topic, overrides, opts);
    }

    await admin.createPartitions(alters.flatMap((c) => (c.partitions ? [{ topic: c.topic, count: c.partitions.to }] : [])), opts);
  });
}
