import type { Connection } from '../config/resolve-connection.js';
import { type TopicSpec, withTopicAdmin } from '../kafka/topic-admin.js';
import { partitionCount, positiveInt } from './flag-values.js';
import { MIN_ISR, assertReplicationFits, autoMinInsyncReplicas, autoReplicationFactor, minIsrOf, replicationWarnings } from './replication-defaults.js';
import { assertTopicName } from './topic-name.js';

export interface TopicCreateRequest {
  name: string;
  partitions: number;
  /** undefined: 3 on a cluster of 3+ brokers, else 1. */
  replicationFactor?: number;
  configs: Record<string, string>;
}

export interface TopicCreatePlan {
  spec: TopicSpec;
  /** The defaults chosen for what the request left out, for the operator to see. */
  defaulted: string[];
  warnings: string[];
}

/** What `topic create` will ask Kafka for, with production defaults filled in. Pure. */
export function planTopicCreate(req: TopicCreateRequest, brokerCount: number): TopicCreatePlan {
  assertTopicName(req.name);
  const partitions = partitionCount('--partitions', req.partitions);
  const defaulted: string[] = [];
  let replicationFactor: number;
  if (req.replicationFactor === undefined) {
    replicationFactor = autoReplicationFactor(brokerCount);
    defaulted.push(`replication factor ${replicationFactor} (the cluster has ${brokerCount} broker${brokerCount === 1 ? '' : 's'})`);
  } else {
    replicationFactor = positiveInt('--replication-factor', req.replicationFactor);
  }
  assertReplicationFits(req.name, replicationFactor, brokerCount);
  const configs = { ...req.configs };
  if (configs[MIN_ISR] === undefined && replicationFactor > 1) {
    configs[MIN_ISR] = String(autoMinInsyncReplicas(replicationFactor));
    defaulted.push(`${MIN_ISR}=${configs[MIN_ISR]} (replication factor − 1: acks=all writes survive one replica down)`);
  }
  return {
    spec: { name: req.name, partitions, replicationFactor, configs },
    defaulted,
    warnings: replicationWarnings(req.name, replicationFactor, minIsrOf(configs), brokerCount),
  };
}

/** Plan against the live broker count, then create; `created` false when the topic already existed. */
export async function createTopicWithDefaults(conn: Connection, req: TopicCreateRequest): Promise<{ plan: TopicCreatePlan; created: boolean }> {
  return withTopicAdmin(conn, async (admin) => {
    const plan = planTopicCreate(req, (await admin.brokerIds()).length);
    return { plan, created: await admin.createTopics([plan.spec]) };
  });
}
