import type { DlqSummary } from '../../dlq/dlq-summary.js';
import { isDlqTopicName } from '../../dlq/dlq-summary.js';
import type { GroupMember } from '../../kafka/consumer-groups.js';
import { serviceTopics } from '../../runtime/services/index.js';
import { SERVICES } from '../../runtime/types.js';

/** A retry or DLQ topic of a group: its depth and error classes as the DLQ view counts them. */
export interface XrayQueue extends Pick<DlqSummary, 'topic' | 'depth' | 'offsets' | 'errors'> {
  kind: 'retry' | 'dlq';
}

/** `x` on a group: the group and what hangs off it. Lag comes from the overview, not from here. */
export interface GroupXray {
  group: string;
  state: string;
  members: GroupMember[];
  /** Topics the group has assigned or committed offsets for, sorted. */
  topics: string[];
  /** Retry topics, then DLQs. */
  queues: XrayQueue[];
  /** Registry subjects of its topics; null when no registry is configured. */
  subjects: string[] | null;
}

/** `<prefix>.retry.<delay>`: the runtime's retry stages (checkout.payment.retry.30s). */
const RUNTIME_RETRY = /^(.+)\.retry\.[^.]+$/;

/**
 * The retry and DLQ topics of `group`, among `existing` topics, by the names they go by:
 * the runtime's (a `<service>-service` group's serviceTopics; `<prefix>.retry.*` read by the
 * group or its retry stages `<group>.retry.N` gives `<prefix>.retry.*` and `<prefix>.dlq`)
 * and the per-topic conventions (`<topic>-retry…`, `<topic>.dlq`, `-dlq`, `-dlt`, `.DLT`).
 */
export function queueTopicsOf(group: string, read: readonly string[], existing: ReadonlySet<string>): { retries: string[]; dlqs: string[] } {
  const retries = new Set<string>();
  const dlqs = new Set<string>();
  const service = SERVICES.find((s) => serviceTopics(s).group === group);
  if (service) {
    const t = serviceTopics(service);
    for (const r of t.retries) retries.add(r.topic);
    dlqs.add(t.dlq);
  }
  for (const topic of read) {
    const prefix = RUNTIME_RETRY.exec(topic)?.[1];
    if (prefix !== undefined) {
      for (const name of existing) if (RUNTIME_RETRY.exec(name)?.[1] === prefix) retries.add(name);
      dlqs.add(`${prefix}.dlq`);
      continue;
    }
    if (isDlqTopicName(topic)) continue;
    for (const name of existing) {
      if (name.startsWith(`${topic}-retry`) || name.startsWith(`${topic}.retry.`)) retries.add(name);
      if (name.length > topic.length && name.startsWith(topic) && isDlqTopicName(name) && /^[.-](dlq|dlt)$/i.test(name.slice(topic.length))) dlqs.add(name);
    }
  }
  const sorted = (names: Set<string>) => [...names].filter((n) => existing.has(n)).sort();
  return { retries: sorted(retries), dlqs: sorted(dlqs) };
}

/** Subjects of a topic by the registry's strategies: `<topic>-value`, `<topic>-key`, `<topic>-<record name>`. */
export function subjectsOf(topics: readonly string[], subjects: readonly string[]): string[] {
  return subjects.filter((s) => topics.some((t) => s.startsWith(`${t}-`))).sort();
}

/** The retry stages of a runtime group (`<group>.retry.1`, …) among the cluster's groups. */
export function retryStagesOf(group: string, groups: readonly string[]): string[] {
  return groups.filter((g) => g.startsWith(`${group}.retry.`)).sort();
}
