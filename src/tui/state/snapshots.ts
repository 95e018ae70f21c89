import type { BrokerInfo } from '../../kafka/topic-admin.js';
import type { GroupSample } from '../../lag/compute-lag.js';

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
  /** One lag sample per consumer group (fetchLagSnapshot). */
  groups: GroupSample[];
}

export interface ServiceRow {
  service: string;
  /** Records per second; null until two scrapes were compared. */
  ratePerSec: number | null;
  processed: number;
  duplicates: number;
  retried: number;
  forwarded: number;
  deadLettered: number;
  parked: number;
  batchLatencyMsAvg: number | null;
  /** Records behind, summed over the service's partitions after their last batch. */
  lag: number | null;
}

export type ServicesReading = { source: 'live'; rows: ServiceRow[] } | { source: 'scrape'; url: string; rows: ServiceRow[] } | { source: 'none' };
