/**
 * Plan a topology file against the cluster: which topics to create, which to alter (configs
 * that differ, partitions that grow) and which already match. Pure: the cluster's state
 * comes in as `actual`; executeTopologyPlan applies the result.
 */
import { closest } from '../cli/suggest.js';
import { computeRemapImpact, sampleKeys } from './remap-impact.js';
import { MIN_ISR, autoMinInsyncReplicas, autoReplicationFactor, minIsrOf, minIsrWarnings, replicationWarnings } from './replication-defaults.js';
import type { TopicSpec } from '../kafka/topic-admin.js';
import type { Topology } from './topology-file.js';

export interface ConfigDiff {
  name: string;
  /** The effective value now; null when the cluster does not report it. */
  from: string | null;
  to: string;
}

export interface PartitionGrowth {
  from: number;
  to: number;
  /** Share of keys that change partition: expected from the counts, and measured on synthetic order ids. */
  expectedMovedShare: number;
  movedShare: number;
  sampleKeys: number;
}

interface ChangeBase {
  topic: string;
  warnings?: string[];
}
export type TopologyChange =
  | (ChangeBase & { action: 'create'; partitions: number; replicationFactor: number; configs: Record<string, string> })
  | (ChangeBase & { action: 'alter'; configs: ConfigDiff[]; partitions?: PartitionGrowth })
  | (ChangeBase & { action: 'unchanged' });

export interface TopologyPlan {
  changes: TopologyChange[];
  /** Problems no apply can fix (shrinking, RF above the broker count, unknown configs): exit 2. */
  errors: string[];
}

export interface PlanOptions {
  /** Brokers in the cluster: replication factors above it are errors. */
  brokerCount?: number;
  /** Config names the cluster knows; names outside it are errors (typos would otherwise reach Kafka). */
  knownConfigs?: ReadonlySet<string>;
}

/** The file's topics with defaults merged and "auto" resolved for a cluster of `brokerCount`; configs are only those the file sets. */
export function resolveDesiredTopics(topology: Topology, brokerCount: number): TopicSpec[] {
  const defaults = topology.defaults ?? {};
  return topology.topics.map((t) => {
    const rf = t.replicationFactor ?? defaults.replicationFactor ?? 'auto';
    const replicationFactor = rf === 'auto' ? autoReplicationFactor(brokerCount) : rf;
    const configs = { ...defaults.configs, ...t.configs };
    if (configs[MIN_ISR] === 'auto') configs[MIN_ISR] = String(autoMinInsyncReplicas(replicationFactor));
    // The schema guarantees partitions here or in defaults.
    return { name: t.name, partitions: (t.partitions ?? defaults.partitions)!, replicationFactor, configs };
  });
}

const REMAP_SAMPLE = { size: 10_000, seed: 1 };

/**
 * Compare desired topics (resolveDesiredTopics) with actual ones, whose configs are the effective
 * values whatever their source (topic, broker or default). Only configs the file sets are
 * compared, so broker defaults never show as drift.
 */
export function planTopology(desired: TopicSpec[], actual: TopicSpec[], opts: PlanOptions = {}): TopologyPlan {
  const actualByName = new Map(actual.map((t) => [t.name, t]));
  const errors: string[] = [];
  const changes = desired.map((want): TopologyChange => {
    if (opts.knownConfigs) errors.push(...unknownConfigs(want, opts.knownConfigs));
    const have = actualByName.get(want.name);
    if (!have) {
      if (opts.brokerCount !== undefined && want.replicationFactor > opts.brokerCount) {
        errors.push(`${want.name}: replication factor ${want.replicationFactor} needs ${want.replicationFactor} brokers, but the cluster has ${opts.brokerCount}`);
      }
      const warnings = replicationWarnings(want.name, want.replicationFactor, minIsrOf(want.configs), opts.brokerCount ?? 0);
      return withWarnings({ topic: want.name, action: 'create', partitions: want.partitions, replicationFactor: want.replicationFactor, configs: want.configs }, warnings);
    }

    const warnings: string[] = [];
    if (have.replicationFactor !== want.replicationFactor) {
      warnings.push(
        `${want.name}: replication factor is ${have.replicationFactor}, the file wants ${want.replicationFactor}; changing it needs a partition reassignment (kafka-reassign-partitions.sh), which apply does not do`,
      );
    }
    const configs = Object.entries(want.configs)
      .filter(([name, value]) => have.configs[name] !== value)
      .map(([name, to]) => ({ name, from: have.configs[name] ?? null, to }));
    if (configs.some((c) => c.name === MIN_ISR)) warnings.push(...minIsrWarnings(want.name, have.replicationFactor, minIsrOf(want.configs)));

    let partitions: PartitionGrowth | undefined;
    if (want.partitions < have.partitions) {
      errors.push(`${want.name}: the file wants ${want.partitions} partitions but the topic has ${have.partitions}; Kafka cannot remove partitions (to shrink, migrate to a new topic)`);
    } else if (want.partitions > have.partitions) {
      const impact = computeRemapImpact(sampleKeys(REMAP_SAMPLE.size, REMAP_SAMPLE.seed), have.partitions, want.partitions);
      partitions = { from: have.partitions, to: want.partitions, expectedMovedShare: impact.expectedMovedShare, movedShare: impact.movedShare, sampleKeys: impact.keys };
    }

    if (configs.length === 0 && !partitions) return withWarnings({ topic: want.name, action: 'unchanged' }, warnings);
    return withWarnings({ topic: want.name, action: 'alter', configs, ...(partitions ? { partitions } : {}) }, warnings);
  });
  return { changes, errors };
}

function withWarnings<T extends ChangeBase>(change: T, warnings: string[]): T {
  return warnings.length > 0 ? { ...change, warnings } : change;
}

function unknownConfigs(topic: TopicSpec, known: ReadonlySet<string>): string[] {
  return Object.keys(topic.configs)
    .filter((name) => !known.has(name))
    .map((name) => {
      const guess = closest(name, [...known]);
      return `${topic.name}: Kafka has no topic config named ${name}${guess ? ` (did you mean ${guess}?)` : ''}`;
    });
}
