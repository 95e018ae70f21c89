import type { ClusterSession } from '../kafka/cluster-session.js';
import type { DeadLetterRecord } from './dead-letter-record.js';
import { type DlqFilter, matchesDlqFilters } from './dlq-filter.js';
import { scanDlq, spansOf } from './dlq-scan.js';
import type { PayloadDecoder } from './payload-decoder.js';

export interface BrowseOptions {
  filters: DlqFilter[];
  /** Records to return. */
  limit: number;
  /** Records to look at before giving up (keeps a filtered browse of a deep DLQ bounded). */
  maxScan: number;
  decode: PayloadDecoder;
}

export interface BrowsedRecord {
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  original: { topic: string | null; partition: number | null; offset: string | null };
  error: { class: string | null; message: string | null };
  value: unknown;
  valueError: { class: string; message: string } | null;
  headers: DeadLetterRecord['envelope']['headers'];
  context: {
    convention: string | null;
    consumerGroup: string | null;
    service: string | null;
    attempts: number | null;
    firstFailure: string | null;
    lastFailure: string | null;
    originalTimestamp: string | null;
    causeClass: string | null;
    connector: string | null;
    redriveCount: number;
    redriveJob: string | null;
  };
  problems: string[];
}

export interface BrowseResult {
  topic: string;
  records: BrowsedRecord[];
  scanned: number;
  /** The scan stopped at maxScan before reaching the end. */
  truncated: boolean;
}

/** The oldest records of a DLQ (partition by partition) that match the filters, payloads decoded. */
export async function browseDlq(session: ClusterSession, topic: string, opts: BrowseOptions): Promise<BrowseResult> {
  const records: BrowsedRecord[] = [];
  let scanned = 0;
  let truncated = false;
  const spans = await spansOf(session, topic);
  scan: for await (const chunk of scanDlq(session, topic, spans, Math.min(500, opts.maxScan))) {
    for (const r of chunk.records) {
      if (records.length >= opts.limit) break scan;
      if (scanned >= opts.maxScan) {
        truncated = true;
        break scan;
      }
      scanned++;
      if (matchesDlqFilters(r, opts.filters)) records.push(await browsed(r, opts.decode));
    }
  }
  return { topic, records, scanned, truncated };
}

async function browsed(r: DeadLetterRecord, decode: PayloadDecoder): Promise<BrowsedRecord> {
  const e = r.envelope;
  const payload = await decode(r.value);
  return {
    partition: r.partition,
    offset: r.offset.toString(),
    timestamp: new Date(r.timestamp).toISOString(),
    key: r.key,
    original: { topic: e.original.topic, partition: e.original.partition, offset: e.original.offset },
    error: { class: e.error.class, message: e.error.message },
    value: payload.value,
    valueError: payload.error,
    headers: e.headers,
    context: {
      convention: e.convention,
      consumerGroup: e.consumerGroup,
      service: e.service,
      attempts: e.attempts,
      firstFailure: e.firstFailure,
      lastFailure: e.lastFailure,
      originalTimestamp: e.original.timestamp,
      causeClass: e.error.causeClass,
      connector: e.connector,
      redriveCount: e.redrive.count,
      redriveJob: e.redrive.job,
    },
    problems: e.problems,
  };
}
