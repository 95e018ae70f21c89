import avro from 'avsc';
import { toJsonSafe } from '../dlq/payload-decoder.js';

/*
 * Avro values as JSON and back: the JSON view is avsc's value with bytes as base64
 * (toJsonSafe), which `topic consume`, `dlq browse` and `dlq edit` show and `topic produce`
 * and `dlq edit` read back. Longs need no conversion: avsc's long is a JS number.
 */

export interface Violation {
  path: string;
  reason: string;
  unknownField: boolean;
}

/** Why `value` is not valid for `type`, by dotted path (avsc's errorHook); empty when it is. */
export function schemaViolations(type: avro.Type, value: unknown): Violation[] {
  const out: Violation[] = [];
  type.isValid(value, {
    noUndeclaredFields: true,
    errorHook: (path, any, t) => {
      if (t instanceof avro.types.RecordType && any !== null && typeof any === 'object' && !Array.isArray(any)) {
        const declared = new Set(t.fields.map((f) => f.name));
        const extra = Object.keys(any).filter((k) => !declared.has(k));
        // A record with only undeclared fields to blame; anything else reaches the hook on its own path.
        if (extra.length > 0) return void out.push(...extra.map((k) => ({ path: [...path, k].join('.'), reason: 'not in the schema', unknownField: true })));
      }
      const got = any === undefined ? 'nothing (missing)' : JSON.stringify(toJsonSafe(any));
      out.push({ path: path.join('.') || '(value)', reason: `expected ${typeLabel(t)}, got ${got}`, unknownField: false });
    },
  });
  return out;
}

/** Undo toJsonSafe under `type`: base64 back to bytes; anything else as is (validation reports what does not fit). */
export function fromJsonView(type: avro.Type, json: unknown): unknown {
  if (type instanceof avro.types.RecordType && isPlainObject(json)) {
    const fields = new Map(type.fields.map((f) => [f.name, f.type]));
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fields.has(k) ? fromJsonView(fields.get(k)!, v) : v]));
  }
  if (type instanceof avro.types.ArrayType && Array.isArray(json)) return json.map((v) => fromJsonView(type.itemsType, v));
  if (type instanceof avro.types.MapType && isPlainObject(json)) return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fromJsonView(type.valuesType as avro.Type, v)]));
  if (type instanceof avro.types.UnwrappedUnionType) {
    // The first branch the converted value fits, as avsc would pick it when writing.
    for (const branch of type.types) {
      const v = fromJsonView(branch, json);
      if (branch.isValid(v)) return v;
    }
    return json;
  }
  if (type instanceof avro.types.WrappedUnionType && isPlainObject(json) && Object.keys(json).length === 1) {
    const [name, v] = Object.entries(json)[0]!;
    const branch = type.types.find((t) => t.branchName === name);
    return branch ? { [name]: fromJsonView(branch, v) } : json;
  }
  if ((type.typeName === 'bytes' || type.typeName === 'fixed') && typeof json === 'string') return Buffer.from(json, 'base64');
  return json;
}

function typeLabel(t: avro.Type): string {
  if (t instanceof avro.types.UnwrappedUnionType || t instanceof avro.types.WrappedUnionType) return t.types.map(typeLabel).join(' or ');
  if (t instanceof avro.types.EnumType) return `one of ${t.symbols.join(', ')}`;
  if (t.typeName === 'fixed' || t.typeName === 'bytes') return `${t.typeName} (base64)`;
  return t.name ? `${t.typeName} ${t.name}` : t.typeName;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}
