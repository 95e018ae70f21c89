import { UsageError } from '../errors.js';
import type { SchemaReference, SchemaType } from './registry-client.js';

/** Avro's own type names that JSON Schema does not have: a `.json` file with one of them is Avro. */
const AVRO_ONLY_TYPES = new Set(['record', 'enum', 'fixed', 'map', 'int', 'long', 'float', 'double', 'bytes']);

/**
 * The registry schema type of a file: `--type` when given, else by extension (.avsc Avro,
 * .proto Protobuf). A `.json` file may be either Avro (many teams name theirs so) or JSON
 * Schema: it is Avro when it is a union or a bare type name, or its `type` is one only Avro
 * has; else JSON Schema.
 */
export function schemaTypeOf(file: string, source: string, explicit?: SchemaType): SchemaType {
  if (explicit) return explicit;
  if (/\.avsc$/i.test(file)) return 'AVRO';
  if (/\.proto$/i.test(file)) return 'PROTOBUF';
  if (/\.json$/i.test(file)) return looksLikeAvro(source) ? 'AVRO' : 'JSON';
  return 'AVRO';
}

function looksLikeAvro(source: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch {
    return false; // the JSON Schema parser names the syntax error with its line
  }
  if (typeof doc === 'string' || Array.isArray(doc)) return true;
  const type = (doc as { type?: unknown } | null)?.type;
  // JSON Schema's `type` is a name or a list of names, never a nested schema as Avro's may be.
  return (typeof type === 'string' && AVRO_ONLY_TYPES.has(type)) || (typeof type === 'object' && type !== null && !Array.isArray(type));
}

/** `--reference NAME=SUBJECT:VERSION`, as Confluent's API takes references (the name is what the schema imports or `$ref`s). */
export function parseReference(text: string): SchemaReference {
  const m = /^([^=]+)=(.+):([1-9]\d*)$/.exec(text);
  if (!m) throw new UsageError(`--reference ${JSON.stringify(text)} is not NAME=SUBJECT:VERSION`, 'e.g. --reference common.proto=common-value:1 (the name the schema imports, the subject and version that hold it)');
  return { name: m[1]!, subject: m[2]!, version: Number(m[3]) };
}
