import { UsageError } from '../errors.js';
import { parseIsoDateTime } from '../offsets/reset-mode.js';
import { type DeadLetterEnvelope, simpleClassName } from './dlq-envelope.js';

/*
 * --filter EXPR, repeatable, all must match:  FIELD OP VALUE
 *   OP: =  equals   != differs   ~  matches a regular expression   !~ does not match
 *   FIELD: class (error class; = also matches the simple name: class=UnknownSchemaIdError)
 *          message (error message)   key (record key as text)   topic (original topic)
 *          service   group (consumer group that failed)   partition (DLQ partition)
 *          header.NAME (any value of header NAME, decoded)
 *          since / until (=, the DLQ record's time: ISO-8601 or a duration ago like 30m, 2h)
 */

export type FilterOp = '=' | '!=' | '~' | '!~';

export interface DlqFilter {
  /** The expression as given (shown in plans and used in job ids). */
  source: string;
  field: string;
  op: FilterOp;
  value: string;
  regex?: RegExp;
  /** since/until as epoch ms. */
  timeMs?: number;
}

/** What a filter looks at in one DLQ record. */
export interface DlqRecordView {
  partition: number;
  timestamp: number;
  key: string | null;
  envelope: DeadLetterEnvelope;
}

const FIELDS = ['class', 'message', 'key', 'topic', 'service', 'group', 'partition', 'since', 'until'];
const EXPR = /^\s*(header\.[^=~!]+|[a-z]+)\s*(!=|!~|=|~)(.*)$/s;
const RELATIVE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parse one --filter expression; `now` anchors relative times (since=2h). */
export function parseDlqFilter(source: string, now = Date.now()): DlqFilter {
  const m = EXPR.exec(source);
  if (!m) throw new UsageError(`--filter "${source}" is not FIELD OP VALUE`, 'e.g. class=UnknownSchemaIdError, message~timeout, key=o-42, header.service=payment, since=2h');
  const field = m[1]!.trim();
  const op = m[2] as FilterOp;
  const value = m[3]!.trim();
  if (!field.startsWith('header.') && !FIELDS.includes(field)) throw new UsageError(`--filter "${source}": unknown field ${field}`, `fields: ${FIELDS.join(', ')}, header.NAME`);
  if (field === 'since' || field === 'until') {
    if (op !== '=') throw new UsageError(`--filter "${source}": ${field} takes = (a time or a duration ago)`);
    const rel = RELATIVE.exec(value);
    const timeMs = rel ? now - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]! : parseIsoDateTime(value, `--filter ${field}`);
    return { source, field, op, value, timeMs };
  }
  if (op === '~' || op === '!~') {
    try {
      return { source, field, op, value, regex: new RegExp(value) };
    } catch (err) {
      throw new UsageError(`--filter "${source}": bad regular expression: ${(err as Error).message}`);
    }
  }
  return { source, field, op, value };
}

/** True when the record matches every filter. */
export function matchesDlqFilters(record: DlqRecordView, filters: DlqFilter[]): boolean {
  return filters.every((f) => matches(record, f));
}

function matches(r: DlqRecordView, f: DlqFilter): boolean {
  if (f.field === 'since') return r.timestamp >= f.timeMs!;
  if (f.field === 'until') return r.timestamp < f.timeMs!;
  const values = valuesOf(r, f.field);
  const hit = (v: string | null) => {
    if (v === null) return false;
    if (f.regex) return f.regex.test(v);
    return v === f.value || (f.field === 'class' && simpleClassName(v) === f.value);
  };
  const any = values.some(hit);
  return f.op === '=' || f.op === '~' ? any : !any;
}

function valuesOf(r: DlqRecordView, field: string): Array<string | null> {
  const e = r.envelope;
  if (field.startsWith('header.')) {
    const v = e.headers[field.slice('header.'.length)];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
  switch (field) {
    case 'class':
      return [e.error.class];
    case 'message':
      return [e.error.message];
    case 'key':
      return [r.key ?? ''];
    case 'topic':
      return [e.original.topic];
    case 'service':
      return [e.service];
    case 'group':
      return [e.consumerGroup];
    case 'partition':
      return [String(r.partition)];
    default:
      return [];
  }
}
