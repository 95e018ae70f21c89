import type { Connection } from '../config/resolve-connection.js';
import type { ClusterSession } from '../kafka/cluster-session.js';
import { ensureInternalTopic } from '../kafka/internal-topic.js';
import { readToEnd } from '../kafka/read-to-end.js';
import { sendOnce } from '../kafka/producer.js';

/** Every redrive run, cancel and edit, one JSON record each, kept for a year. */
export const AUDIT_TOPIC = '_streamflow-audit';
const AUDIT_RETENTION_MS = String(365 * 24 * 3600 * 1000);

export type AuditAction = 'redrive' | 'cancel' | 'edit';

export interface AuditEntry {
  /** ISO time the action ended (for a redrive run: when it stopped). */
  at: string;
  /** user@host */
  by: string;
  action: AuditAction;
  jobId: string | null;
  editId: string | null;
  dlq: string;
  target: string | null;
  /** How the action ended: a run's status (completed, cancelled, interrupted, failed), an edit's sent or planned. */
  outcome: string;
  /** e.g. redriven, skipped, parked, remaining; an edit's sent. */
  counts: Record<string, number | null>;
}

/** Append `entry` to the audit topic (created the first time), acknowledged by all in-sync replicas. */
export async function appendAudit(conn: Connection, entry: AuditEntry): Promise<void> {
  await ensureInternalTopic(conn, AUDIT_TOPIC, { 'cleanup.policy': 'delete', 'retention.ms': AUDIT_RETENTION_MS });
  await sendOnce(conn, 'streamflow-audit', AUDIT_TOPIC, [{ key: entry.jobId ?? entry.editId ?? entry.dlq, value: Buffer.from(JSON.stringify(entry)) }]);
}

/** The audit entries, oldest first, optionally of one DLQ or job; an absent topic is an empty history. */
export async function readAudit(session: ClusterSession, filter: { dlq?: string; jobId?: string } = {}): Promise<AuditEntry[]> {
  if (!(await session.offsets.topicNames()).includes(AUDIT_TOPIC)) return [];
  const entries: AuditEntry[] = [];
  await readToEnd(session, AUDIT_TOPIC, 0, 0n, (r) => {
    const e = parseEntry(r.value);
    if (e && (filter.dlq === undefined || e.dlq === filter.dlq) && (filter.jobId === undefined || e.jobId === filter.jobId)) entries.push(e);
  });
  return entries;
}

function parseEntry(value: Buffer | null): AuditEntry | null {
  try {
    const e = JSON.parse(value?.toString() ?? '') as AuditEntry;
    return typeof e.action === 'string' && typeof e.at === 'string' ? e : null;
  } catch {
    return null; // not ours: someone else wrote to the topic
  }
}
