import type { Connection } from '../config/resolve-connection.js';
import { type TopicSpec, withTopicAdmin } from '../kafka/topic-admin.js';
import { MIN_ISR, assertReplicationFits, autoMinInsyncReplicas, autoReplicationFactor, minIsrOf, replicationWarnings } from './replication-defaults.js';
import { assertTopicName } from './topic-name.js';
import { fetchActualTopics } from './topology-apply.js';
import { partitionCount, positiveInt } from '../cli/flag-values.js';

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

/** A setting in which an existing topic differs from what `topic create` would have made. */
export interface TopicDifference {
  /** `partitions`, `replication.factor` or a config name. */
  setting: string;
  /** null: a config the topic does not have. */
  existing: number | string | null;
  requested: number | string;
  /** The requested value is one of create's defaults, not one the operator gave. */
  defaulted: boolean;
}

/**
 * Where an existing topic differs from the plan: partitions, replication factor and each
 * planned config (against its effective value, so a broker default that matches is no
 * difference). Empty: the request is already satisfied. Pure.
 */
export function diffExistingTopic(req: TopicCreateRequest, spec: TopicSpec, actual: TopicSpec): TopicDifference[] {
  const diffs: TopicDifference[] = [];
  if (actual.partitions !== spec.partitions) diffs.push({ setting: 'partitions', existing: actual.partitions, requested: spec.partitions, defaulted: false });
  if (actual.replicationFactor !== spec.replicationFactor) {
    diffs.push({ setting: 'replication.factor', existing: actual.replicationFactor, requested: spec.replicationFactor, defaulted: req.replicationFactor === undefined });
  }
  for (const [name, value] of Object.entries(spec.configs)) {
    if (actual.configs[name] !== value) diffs.push({ setting: name, existing: actual.configs[name] ?? null, requested: value, defaulted: req.configs[name] === undefined });
  }
  return diffs;
}

/** The next steps for an existing topic that differs: the commands that close each gap. */
export function topicConflictHint(name: string, diffs: TopicDifference[]): string {
  const lines: string[] = [];
  const partitions = diffs.find((d) => d.setting === 'partitions');
  if (partitions) {
    lines.push(
      Number(partitions.requested) > Number(partitions.existing)
        ? `grow it: \`streamflow topic add-partitions ${name} --to ${partitions.requested}\` (shows which keys move)`
        : `Kafka cannot remove partitions: to have ${partitions.requested}, create a new topic and move producers and consumers to it`,
    );
  }
  if (diffs.some((d) => d.setting === 'replication.factor')) lines.push('the replication factor changes only by a partition reassignment (kafka-reassign-partitions.sh)');
  const configs = diffs.filter((d) => d.setting !== 'partitions' && d.setting !== 'replication.factor');
  if (configs.length > 0) lines.push(`change the configs: \`streamflow topic alter-config ${name} ${configs.map((d) => `--set ${d.setting}=${d.requested}`).join(' ')}\``);
  return lines.join('\n');
}

export interface TopicCreateOutcome {
  plan: TopicCreatePlan;
  /** false: the topic already existed, and nothing was changed. */
  created: boolean;
  /** When it already existed: where it differs from the plan (empty: it matches). */
  differences: TopicDifference[];
}

/** Plan against the live broker count, then create; an existing topic is compared with the plan. */
export async function createTopicWithDefaults(conn: Connection, req: TopicCreateRequest): Promise<TopicCreateOutcome> {
  return withTopicAdmin(conn, async (admin) => {
    const plan = planTopicCreate(req, (await admin.brokerIds()).length);
    if (await admin.createTopics([plan.spec])) return { plan, created: true, differences: [] };
    const [actual] = await fetchActualTopics(admin, [plan.spec.name]);
    return { plan, created: false, differences: diffExistingTopic(req, plan.spec, actual!) };
  });
}
