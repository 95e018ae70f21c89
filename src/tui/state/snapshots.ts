import type { BrokerInfo } from '../../kafka/topic-admin.js';
import type { GroupSample } from '../../lag/compute-lag.js';
import type { CommitSeen } from '../../lag/lag-verdict.js';
import type { ServedCounter } from '../../runtime/service-counters.js';

/*
 * What one refresh brings back from the domain functions, in plain data. The reducer turns
 * these into rows (rates, lag, history) once per refresh; components only read rows.
 */

export interface PartitionInfo {
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** Log start and end offsets; null while the partition has no leader. */
  start: number | null;
  end: number | null;
}

export interface TopicInfo {
  name: string;
  /** Kafka's own topics (__consumer_offsets, __transaction_state). */
  internal: boolean;
  partitions: PartitionInfo[];
}

export interface OverviewSnapshot {
  takenAt: number;
  brokers: BrokerInfo[];
  controller: number | null;
  topics: TopicInfo[];
  /** One lag sample per consumer group read (fetchLagSnapshot): every group, or those the refresh scope chose. */
  groups: GroupSample[];
  /** Every group the cluster lists, when `groups` holds only some of them (the others keep their rows). */
  listedGroups?: string[];
  /** The topics whose partitions' start and end were read this refresh (the others carry the last ones read); undefined: all of them. */
  offsetsOf?: Set<string>;
  /** Each group's recent commits from `__consumer_offsets` (CommitLog); undefined for a group: not observed. */
  commits?: Map<string, Map<string, CommitSeen[]> | undefined>;
}

/** A service's counters as Prometheus serves them, with its rate, latency and lag. */
export interface ServiceRow extends Record<ServedCounter, number> {
  service: string;
  /** Records per second; null until two scrapes were compared. */
  ratePerSec: number | null;
  batchLatencyMsAvg: number | null;
  /** Records behind, summed over the service's partitions after their last batch. */
  lag: number | null;
}

export type ServicesReading = { source: 'live'; rows: ServiceRow[] } | { source: 'scrape'; url: string; rows: ServiceRow[] } | { source: 'none' };
