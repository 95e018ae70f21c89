import { requireRegistry, type Connection } from '../../config/resolve-connection.js';
import { browseDlq } from '../../dlq/dlq-browse.js';
import { listDlqTopics } from '../../dlq/dlq-list.js';
import { BROWSE_MAX_SCAN, DLQ_LIST_SAMPLE } from '../../dlq/dlq-defaults.js';
import { registryPayloadDecoder } from '../../dlq/payload-decoder.js';
import { executeRedrive, planRedrive } from '../../dlq/redrive-job.js';
import { type ClusterSession, withClusterSession } from '../../kafka/cluster-session.js';
import type { ClusterMetadata } from '../../kafka/cluster-metadata.js';
import { toUnreachable } from '../../kafka/client.js';
import { type TopicReader, withTopicReader } from '../../kafka/topic-reader.js';
import { latestRecords } from '../../records/latest-records.js';
import { RecordDecoder } from '../../records/record-decoding.js';
import { RecordCounter } from '../../topics/record-count.js';
import { CommitLog } from '../../lag/commit-log.js';
import { parseFieldSet } from '../../dlq/dlq-edit.js';
import { runDlqEdit } from '../../dlq/dlq-edit-run.js';
import { NextRecordCache, fetchLagSnapshot } from '../../lag/fetch-lag-snapshot.js';
import { VERDICT_WINDOW_MS } from '../state/overview-state.js';
import { FULL_SCOPE, OFF_SCREEN_PERIOD_MS } from '../state/refresh-scope.js';
import { executeOffsetReset, prepareOffsetReset } from '../../offsets/offset-reset.js';
import { SERVED_COUNTERS, type ServedCounter } from '../../runtime/service-counters.js';
import type { ServiceMetricsSnapshot } from '../../runtime/service-metrics.js';
import { RegistryClient } from '../../schema/registry-client.js';
import { listSubjectSummaries } from '../../schema/subject-admin.js';
import type { SubjectVersionRow } from '../state/dashboard-state.js';
import type { OverviewSnapshot, ServiceRow, ServicesReading } from '../state/snapshots.js';
import type { DashboardSource, MetricsSource } from './dashboard-source.js';
import { type GroupXray, queueTopicsOf, retryStagesOf, subjectsOf } from './group-xray.js';
import { HeldScope } from './held-scope.js';
import { KnownTopics } from './known-topics.js';
import { parseServiceMetrics } from './prometheus-metrics.js';
import { redriveRequestOf } from './redrive-request.js';

export interface ClusterSourceOptions {
  conn: Connection;
  signal: AbortSignal;
  metricsSource?: MetricsSource;
  /** Scrape the services' Prometheus endpoint (standalone dashboard). */
  metricsUrl?: string;
}

/** Records a DLQ browse shows (the oldest first, as `dlq browse` does): more than its --limit, the view scrolls. */
const BROWSE_LIMIT = 500;
/** Records the Records view reads of a topic, spread evenly over its partitions. */
const LATEST_RECORDS = 500;
/**
 * Brokers and topic metadata are re-read this often, and after a failed refresh or when a group
 * reads a topic they lack: at 10,000 partitions a Metadata answer costs more than the rest of a refresh.
 */
const METADATA_MS = 10_000;
/** Versions shown per subject, newest first. */
const MAX_VERSIONS = 20;

/**
 * The dashboard's data over one long-lived cluster session and topic reader
 * (reconnected after a connection failure), the registry client and the services' metrics.
 */
export function clusterDashboardSource(opts: ClusterSourceOptions): DashboardSource {
  const { conn } = opts;
  const controller = new AbortController();
  const signal = AbortSignal.any([opts.signal, controller.signal]);
  const session = new HeldScope<ClusterSession>((use) => withClusterSession(conn, use, 'streamflow-dashboard'));
  // Group-less and read_committed, as `topic consume` reads by default.
  const reader = new HeldScope<TopicReader>((use) => withTopicReader(conn, 'read_committed', use));
  const decode = registryPayloadDecoder(conn.registry, signal);
  // Kept across refreshes: each one reads only the DLQ records written since the last.
  const dlqCounter = new RecordCounter();
  // A refresh reads a share of the groups: positions are kept through a full round of them.
  const nextRecords = new NextRecordCache(2 * OFF_SCREEN_PERIOD_MS);
  const commitLog = new CommitLog(VERDICT_WINDOW_MS);
  let commitLogStarted = false;
  let registry: RegistryClient | undefined;
  const registryClient = () => (registry ??= new RegistryClient(requireRegistry(conn), { signal }));
  // One decoder for the dashboard's life: it keeps the writer schemas it fetched, so a live view asks the registry once per id.
  const decoder = new RecordDecoder(conn.registry ? registryClient() : undefined, 'base64');
  const knownTopics = new KnownTopics();
  let metadata: { at: number; meta: ClusterMetadata } | null = null;
  const cachedMetadata = async (s: ClusterSession) => {
    if (metadata === null || Date.now() - metadata.at >= METADATA_MS) metadata = { at: Date.now(), meta: await s.metadata() };
    return metadata.meta;
  };
  // A redrive or reset in flight keeps the session even when a refresh fails meanwhile.
  let busy = 0;

  const kafka = async <T>(fn: (s: ClusterSession) => Promise<T>): Promise<T> => {
    try {
      return await fn(await session.get());
    } catch (err) {
      throw connectionFailure(err);
    }
  };
  const connectionFailure = (err: unknown): unknown => {
    const unreachable = toUnreachable(err, conn.brokers);
    if (!unreachable) return err;
    if (busy === 0) {
      session.drop();
      reader.drop();
    }
    return unreachable;
  };
  const action = async <T>(fn: () => Promise<T>): Promise<T> => {
    busy++;
    try {
      return await fn();
    } finally {
      busy--;
    }
  };

  return {
    label: `${conn.context ?? 'flags/env'} · ${conn.brokers.join(',')}`,

    overview: (scope = FULL_SCOPE) =>
      kafka(async (s) => {
        const [{ brokers, controller, topics: meta }, listed] = await Promise.all([cachedMetadata(s), s.groups.list()]);
        if (!commitLogStarted) await commitLog.start(s);
        commitLogStarted = true;
        const known = new Set(listed);
        const readGroups = scope.groups === 'all' ? listed : scope.groups.filter((g) => known.has(g));
        const readTopics = scope.topics === 'all' ? [...meta.keys()] : scope.topics.filter((t) => meta.has(t));
        const led = readTopics.flatMap((topic) => meta.get(topic)!.filter((p) => p.leader !== null).map((p) => ({ topic, partition: p.partition })));
        const [ranges, samples] = await Promise.all([s.offsets.ranges(led), readGroups.length > 0 ? fetchLagSnapshot(s, { groups: readGroups }, nextRecords) : []]);
        // A group with nothing committed or assigned is not shown (as `lag` lists groups).
        const empty = new Set(samples.filter((g) => g.partitions.length === 0).map((g) => g.group));
        const groups = samples.filter((g) => !empty.has(g.group));
        const shown = listed.filter((g) => !empty.has(g));
        // A group reading a topic the cached metadata lacks: the next refresh re-reads it.
        if (groups.some((g) => g.partitions.some((p) => !meta.has(p.topic)))) metadata = null;
        await commitLog.poll(s, shown);
        const snapshot: OverviewSnapshot = {
          takenAt: Date.now(),
          brokers,
          controller,
          topics: knownTopics.update(meta, ranges),
          groups,
          listedGroups: shown,
          ...(scope.topics === 'all' ? {} : { offsetsOf: new Set(readTopics) }),
          commits: new Map(groups.map((g) => [g.group, commitLog.commitsOf(g.group)])),
        };
        return snapshot;
      }).catch((err: unknown) => {
        metadata = null;
        throw err;
      }),

    dlqTopics: () => kafka((s) => listDlqTopics(s, { sample: DLQ_LIST_SAMPLE, counter: dlqCounter })),

    groupXray: (group) =>
      kafka(async (s): Promise<GroupXray> => {
        const [names, groups] = await Promise.all([s.offsets.topicNames(), s.groups.list()]);
        const stages = retryStagesOf(group, groups);
        const described = await s.groups.describe([group, ...stages]);
        const committed = await s.groups.committedOf(described.map((d) => d.group));
        const readBy = described.map((d, i) => [...new Set([...d.members.flatMap((m) => m.assignment.map((a) => a.topic)), ...committed[i]!.map((c) => c.topic)])]);
        const topics = [...readBy[0]!].sort();
        const { retries, dlqs } = queueTopicsOf(group, readBy.flat(), new Set(names));
        // Counted as the DLQ view counts: the same counter, so a refresh reads only new records.
        const counted = new Map((await listDlqTopics(s, { topics: [...retries, ...dlqs], sample: DLQ_LIST_SAMPLE, counter: dlqCounter })).map((d) => [d.topic, d]));
        const queue = (kind: 'retry' | 'dlq') => (topic: string) => {
          const d = counted.get(topic)!;
          return { kind, topic, depth: d.depth, offsets: d.offsets, errors: d.errors };
        };
        return {
          group,
          state: described[0]!.state,
          members: described[0]!.members,
          topics,
          queues: [...retries.map(queue('retry')), ...dlqs.map(queue('dlq'))],
          subjects: conn.registry ? subjectsOf(topics, await registryClient().listSubjects()) : null,
        };
      }),

    browseDlq: (topic) => kafka((s) => browseDlq(s, topic, { filters: [], limit: BROWSE_LIMIT, maxScan: BROWSE_MAX_SCAN, decode })),

    planRedrive: (selection) => action(() => kafka((s) => planRedrive(s, redriveRequestOf(selection, signal)))),

    executeRedrive: (selection, onProgress) =>
      action(() => kafka((s) => executeRedrive(conn, s, { ...redriveRequestOf(selection, signal), onProgress }))),

    editDeadLetter: (record, sets, execute) =>
      action(() => runDlqEdit(conn, { topic: record.topic, partition: record.partition, offset: BigInt(record.offset), edit: { sets: sets.map(parseFieldSet) }, execute, signal })),

    planReset: (group, scope, mode) => action(() => kafka(async (s) => (await prepareOffsetReset(s, { groups: [group], scope, mode }))[0]!)),

    executeReset: (plan) => action(() => kafka((s) => executeOffsetReset(s, [plan]))),

    latestRecords: async (topic) => {
      try {
        const r = await reader.get();
        const partitions = await r.partitions(topic);
        return await latestRecords(r, decoder, topic, { perPartition: Math.max(1, Math.floor(LATEST_RECORDS / Math.max(1, partitions.length))), partitions, signal });
      } catch (err) {
        throw connectionFailure(err);
      }
    },

    subjects: () => listSubjectSummaries(registryClient()),

    subjectVersions: async (subject) => {
      const client = registryClient();
      const versions = (await client.listVersions(subject)).sort((a, b) => b - a).slice(0, MAX_VERSIONS);
      return Promise.all(
        versions.map(async (v): Promise<SubjectVersionRow> => {
          const sv = await client.getVersion(subject, v);
          return { version: sv.version, id: sv.id, summary: schemaSummary(sv.schema) };
        }),
      );
    },

    services: async (): Promise<ServicesReading> => {
      if (opts.metricsSource) return { source: 'live', rows: opts.metricsSource.snapshots().map(liveRow) };
      if (opts.metricsUrl === undefined) return { source: 'none' };
      const res = await fetch(opts.metricsUrl, { signal: AbortSignal.any([signal, AbortSignal.timeout(3_000)]) });
      if (!res.ok) throw new Error(`${opts.metricsUrl} answered HTTP ${res.status}`);
      return { source: 'scrape', url: opts.metricsUrl, rows: parseServiceMetrics(await res.text()) };
    },

    close: async () => {
      controller.abort();
      await Promise.all([session.close(), reader.close()]);
    },
  };
}

function liveRow(s: ServiceMetricsSnapshot): ServiceRow {
  const counters = Object.fromEntries(SERVED_COUNTERS.map((c) => [c, s[c]])) as Pick<ServiceRow, ServedCounter>;
  return {
    service: s.service,
    ratePerSec: s.ratePerSec,
    ...counters,
    batchLatencyMsAvg: s.batchLatencyMsAvg,
    lag: Object.values(s.partitions).reduce((sum, p) => sum + p.lag, 0),
  };
}

/** "record OrderCreated, 9 fields" from an Avro schema's JSON. */
function schemaSummary(schema: string): string {
  try {
    const s = JSON.parse(schema) as { type?: string; name?: string; fields?: unknown[]; symbols?: unknown[] } | string;
    if (typeof s === 'string') return s;
    const parts = [`${s.type ?? '?'}${s.name ? ` ${s.name}` : ''}`];
    if (Array.isArray(s.fields)) parts.push(`${s.fields.length} fields`);
    if (Array.isArray(s.symbols)) parts.push(`${s.symbols.length} symbols`);
    return parts.join(', ');
  } catch {
    return `${schema.length} characters`;
  }
}
