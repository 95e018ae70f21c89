import { UsageError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { withTopicAdmin } from '../kafka/topic-admin.js';
import { type RemapImpact, computeRemapImpact, safeGrowthProcedure, sampleKeys } from './remap-impact.js';

export interface PartitionIncreasePlan {
  topic: string;
  from: number;
  to: number;
  /** Keys that change partition, measured on `keys` or on synthetic order ids. */
  remap: RemapImpact;
  procedure: string[];
}

/** Synthetic order ids the impact is measured on when the operator gives no keys. */
const DEFAULT_SAMPLE = { size: 10_000, seed: 1 };

/**
 * Growing `topic` from `from` to `to` partitions: the remap impact and the safe procedure.
 * Pure. null when the topic already has `to`; exit 2 when `to` would shrink it.
 */
export function planPartitionIncrease(topic: string, from: number, to: number, keys?: string[]): PartitionIncreasePlan | null {
  if (to === from) return null;
  if (to < from) {
    throw new UsageError(`${topic} has ${from} partitions; Kafka cannot reduce that to ${to}`, 'to shrink, create a new topic with fewer partitions and migrate to it');
  }
  const sample = keys ?? sampleKeys(DEFAULT_SAMPLE.size, DEFAULT_SAMPLE.seed);
  return {
    topic,
    from,
    to,
    remap: computeRemapImpact(sample, from, to),
    procedure: safeGrowthProcedure(from, to, keys),
  };
}

/** Add the partitions; `validateOnly` asks the controller to check the request and change nothing. */
export async function executePartitionIncrease(conn: Connection, plan: PartitionIncreasePlan, opts: { validateOnly?: boolean } = {}): Promise<void> {
  await withTopicAdmin(conn, (admin) => admin.createPartitions([{ topic: plan.topic, count: plan.to }], opts));
}
