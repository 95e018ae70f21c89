import { SchemaParseError } from './errors.js';
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './json.js';
import type { AvroSchema, NamedSchema, RecordSchema } from './types.js';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const inRange = (v: JsonValue, min: bigint, max: bigint) =>
  v instanceof JsonNumber && v.integer !== undefined && v.integer >= min && v.integer <= max;

/**
 * How far the parser has got with a named type when a default is checked. Avro Java checks a
 * field's default as soon as it parses the field: a type defined further on is still a
 * placeholder (an empty record), and a record whose fields are being parsed throws if reached.
 */
export type ParseState = 'pending' | 'open' | 'complete';

/**
 * Whether a field default fits its schema, by Avro Java 1.12's rules (Schema.isValidDefault):
 * integers must be written as integers, bytes/fixed/enum defaults are any string, and a union
 * default may match any branch (1.11 and older only accepted the first branch).
 */
export function isValidDefault(
  schema: AvroSchema,
  value: JsonValue,
  stateOf: (s: NamedSchema) => ParseState = () => 'complete',
): boolean {
  // (record, default object) pairs being checked: a default that reaches itself again would recurse forever in Avro Java.
  const inProgress = new Map<RecordSchema, Set<JsonObject>>();

  const valid = (s: AvroSchema, v: JsonValue): boolean => {
    switch (s.type) {
      case 'string':
      case 'bytes':
        return typeof v === 'string';
      case 'int':
        return inRange(v, INT_MIN, INT_MAX);
      case 'long':
        return inRange(v, LONG_MIN, LONG_MAX);
      case 'float':
      case 'double':
        return v instanceof JsonNumber;
      case 'boolean':
        return typeof v === 'boolean';
      case 'null':
        return v === null;
      case 'array':
        return Array.isArray(v) && v.every((x) => valid(s.items, x));
      case 'map':
        return isJsonObject(v) && [...v.values()].every((x) => valid(s.values, x));
      case 'union':
        return s.branches.some((b) => valid(b, v));
    }
    const state = stateOf(s);
    if (state === 'pending') return isJsonObject(v); // the placeholder record has no fields
    if (s.type !== 'record') return typeof v === 'string';
    if (!isJsonObject(v)) return false;
    if (state === 'open') throw new SchemaParseError(`a default reaches record "${s.fullName}" before its fields are defined`);
    const seen = inProgress.get(s) ?? new Set<JsonObject>();
    if (seen.has(v)) return false;
    inProgress.set(s, seen.add(v));
    const ok = s.fields.every((f) => {
      const x = v.has(f.name) ? v.get(f.name) : f.default;
      return x !== undefined && valid(f.type, x);
    });
    seen.delete(v);
    return ok;
  };
  return valid(schema, value);
}

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;

/**
 * Avro Java accepts a string default on a float/double field and converts it with
 * Double.parseDouble ("NaN", "Infinity", "1.5", "0x1.8p1"); anything else there is a parse error.
 */
export function floatDefaultFromString(text: string): JsonNumber | undefined {
  const t = javaTrim(text);
  if (JAVA_DECIMAL.test(t)) return new JsonNumber(Number(t.replace(/[fFdD]$/, '')), undefined, text);
  const hex = JAVA_HEX.exec(t);
  if (!hex || hex[2]! + hex[3]! === '') return undefined;
  const [, sign, whole, fraction, exponent] = hex as unknown as [string, string, string, string, string];
  const mantissa = parseInt(whole + fraction || '0', 16) / 16 ** fraction.length;
  return new JsonNumber((sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent), undefined, text);
}

/** String.trim() in Java strips every character up to U+0020, and nothing else. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start]! <= ' ') start++;
  while (end > start && s[end - 1]! <= ' ') end--;
  return s.slice(start, end);
}
