import type { Connection } from '../config/resolve-connection.js';
import { MIN_ISR, autoMinInsyncReplicas, autoReplicationFactor } from '../topics/replication-defaults.js';
import { withTopicAdmin } from './topic-admin.js';

/**
 * Create one of streamflow's own topics (job state, audit trail) the first time it is needed:
 * one partition (a total order, little traffic), RF 3 with min ISR 2 on 3+ brokers. Prefixed
 * `_` like Confluent's `_schemas`, so topic lists and DLQ discovery can tell them apart.
 */
export async function ensureInternalTopic(conn: Connection, name: string, configs: Record<string, string>): Promise<void> {
  await withTopicAdmin(conn, async (admin) => {
    if ((await admin.topicNames()).includes(name)) return;
    const replicationFactor = autoReplicationFactor((await admin.brokerIds()).length);
    await admin.createTopics([{ name, partitions: 1, replicationFactor, configs: { ...configs, [MIN_ISR]: String(autoMinInsyncReplicas(replicationFactor)) } }]);
  });
}
