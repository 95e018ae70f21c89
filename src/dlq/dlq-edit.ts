import type avro from 'avsc';
import { UsageError } from '../errors.js';
import { toJsonSafe } from './payload-decoder.js';
import { fromJsonView, schemaViolations } from '../schema/avro-json-view.js';

/*
 * `dlq edit`, the pure part: edits apply to the JSON view of a decoded value (toJsonSafe, as
 * `dlq browse` shows it: bytes as base64), which is also what --editor shows; the result is
 * turned back into an avsc value under the target schema and validated there. Longs need no
 * conversion: avsc's long is a JS number, and a value beyond 2^53 does not decode at all.
 */

/** One `--set PATH=VALUE`: PATH split on dots, VALUE as JSON when it parses, else the text. */
export interface FieldSet {
  path: string;
  segments: string[];
  value: unknown;
}

export interface FieldChange {
  path: string;
  /** null when the field was absent. */
  from: unknown;
  to: unknown;
}

export interface EditPlan {
  /** The edited value as avsc encodes it under the target schema. */
  value: unknown;
  changes: FieldChange[];
}

export function parseFieldSet(text: string): FieldSet {
  const eq = text.indexOf('=');
  const path = eq < 0 ? '' : text.slice(0, eq);
  const segments = path.split('.');
  if (eq < 0 || segments.some((s) => s === '')) throw new UsageError(`--set "${text}" is not PATH=VALUE`, 'e.g. --set total_minor=1200 or --set items.0.sku=SKU-1');
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself (so --set currency=EUR needs no quotes).
  }
  return { path, segments, value };
}

/** A copy of `json` with each set applied; a path through a field or element that is not there is refused. */
export function applyFieldSets(json: unknown, sets: FieldSet[]): unknown {
  const root = structuredClone(json);
  for (const set of sets) {
    let parent: unknown = root;
    set.segments.forEach((segment, i) => {
      const last = i === set.segments.length - 1;
      const at = set.segments.slice(0, i + 1).join('.');
      if (Array.isArray(parent)) {
        const index = Number(segment);
        if (!Number.isInteger(index) || index < 0 || index >= parent.length) throw new UsageError(`--set ${set.path}: no element ${at} (${parent.length} elements)`);
        if (last) parent[index] = set.value;
        else parent = parent[index];
      } else if (parent !== null && typeof parent === 'object') {
        if (last) Object.defineProperty(parent, segment, { value: set.value, enumerable: true, writable: true, configurable: true });
        else if (Object.hasOwn(parent, segment)) parent = (parent as Record<string, unknown>)[segment];
        else throw new UsageError(`--set ${set.path}: no field ${at} in the record`);
      } else {
        throw new UsageError(`--set ${set.path}: ${set.segments.slice(0, i).join('.')} is ${JSON.stringify(parent)}, not a record or array`);
      }
    });
  }
  return root;
}

/**
 * Plan an edit: `after` (the edited JSON view) as a value of `target`, refused with every
 * offending path (unknown fields, wrong types) if it is not valid there, and the changed
 * leaves against `before`. Defaults the target fills in show up as changes.
 */
export function planEdit(before: unknown, after: unknown, target: avro.Type): EditPlan {
  const value = fromJsonView(target, after);
  const problems = schemaViolations(target, value);
  const unknown = problems.filter((p) => p.unknownField);
  if (unknown.length > 0) throw new UsageError(`unknown field ${unknown.map((p) => p.path).join(', ')}: not in schema ${schemaName(target)}`);
  if (problems.length > 0) {
    throw new UsageError(`invalid value for schema ${schemaName(target)}: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`, '--set reads VALUE as JSON when it parses: quote text that looks like JSON, e.g. --set \'user_id="123"\'');
  }
  const changes = diffJson(before, toJsonSafe(target.fromBuffer(target.toBuffer(value))));
  if (changes.length === 0) throw new UsageError('the edit changes nothing: nothing to send', 'to resend a record unchanged, use `streamflow dlq redrive`');
  return { value, changes };
}

/** The changed leaves between two JSON views; arrays of different lengths change as a whole. */
export function diffJson(before: unknown, after: unknown, path: string[] = []): FieldChange[] {
  const bothObjects = isPlainObject(before) && isPlainObject(after);
  const sameLengthArrays = Array.isArray(before) && Array.isArray(after) && before.length === after.length;
  if (bothObjects || sameLengthArrays) {
    const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
    return keys.flatMap((k) => diffJson((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], [...path, k]));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path.join('.'), from: before ?? null, to: after ?? null }];
}

function schemaName(t: avro.Type): string {
  return t.name ?? t.typeName;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}
