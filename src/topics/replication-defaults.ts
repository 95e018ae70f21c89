/**
 * Production defaults for durability. RF 3 with min.insync.replicas 2 is the usual choice:
 * acks=all writes keep succeeding with one broker down (a rolling restart) and every
 * acknowledged write is on at least two brokers.
 */
import { UsageError } from '../errors.js';

export const MIN_ISR = 'min.insync.replicas';

/** 3 on a cluster of 3+ brokers, else 1 (a dev cluster). */
export function autoReplicationFactor(brokerCount: number): number {
  return brokerCount >= 3 ? 3 : 1;
}

/** RF − 1 (2 with RF 3), at least 1: tolerate one replica down and still take acks=all writes. */
export function autoMinInsyncReplicas(replicationFactor: number): number {
  return Math.max(1, replicationFactor - 1);
}

/** Kafka refuses RF > brokers with a bare "Replication-factor is invalid"; say why instead. */
export function assertReplicationFits(topic: string, replicationFactor: number, brokerCount: number): void {
  if (replicationFactor > brokerCount) {
    throw new UsageError(
      `replication factor ${replicationFactor} for ${topic} needs ${replicationFactor} brokers, but the cluster has ${brokerCount}`,
      `use a replication factor of at most ${brokerCount}, or omit it: the default is 3 on a cluster of 3+ brokers, else 1`,
    );
  }
}

/** Risky replication settings worth a warning on stderr. `minIsr` undefined: the broker default applies. */
export function replicationWarnings(topic: string, replicationFactor: number, minIsr: number | undefined, brokerCount: number): string[] {
  const warnings: string[] = [];
  if (replicationFactor === 1 && brokerCount >= 3) {
    warnings.push(`${topic}: replication factor 1 on a ${brokerCount}-broker cluster: one broker failure makes its partitions unavailable, and a lost disk loses their data`);
  }
  return [...warnings, ...minIsrWarnings(topic, replicationFactor, minIsr)];
}

/** min.insync.replicas against the replication factor: too high blocks writes, 1 risks acknowledged data. */
export function minIsrWarnings(topic: string, replicationFactor: number, minIsr: number | undefined): string[] {
  if (minIsr === undefined) return [];
  if (minIsr > replicationFactor) {
    return [`${topic}: ${MIN_ISR}=${minIsr} exceeds the replication factor ${replicationFactor}: every acks=all write will fail (NOT_ENOUGH_REPLICAS)`];
  }
  if (minIsr === replicationFactor && replicationFactor > 1) {
    return [`${topic}: ${MIN_ISR}=${minIsr} equals the replication factor: acks=all writes fail whenever one replica is down, even for a rolling restart; use ${autoMinInsyncReplicas(replicationFactor)}`];
  }
  if (minIsr === 1 && replicationFactor >= 3) {
    return [`${topic}: ${MIN_ISR}=1 with replication factor ${replicationFactor}: an acks=all write may be acknowledged by one broker only and lost with it; use ${autoMinInsyncReplicas(replicationFactor)}`];
  }
  return [];
}

/** A min.insync.replicas value as a number, or undefined when absent or not an integer (Kafka then rejects it). */
export function minIsrOf(configs: Record<string, string>): number | undefined {
  const raw = configs[MIN_ISR];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}
