import fs from 'node:fs/promises';
import avro from 'avsc';
import { UsageError } from '../errors.js';
import { parseSchema, SchemaParseError } from './compatibility/index.js';
import type { SchemaReference, SchemaType } from './registry-client.js';

/** An Avro schema read from a file (or a registry), valid by Avro Java's rules, ready to send or check. */
export interface AvroSchemaText {
  /** The JSON with insignificant whitespace and comments removed (literals and key order kept):
   * what we send to the registry, so a reformatted file still has the same text (Apicurio
   * compares text, not parsed schemas, when it looks a schema up). */
  text: string;
}

export interface SchemaFile extends AvroSchemaText {
  /** The path as given (or as it appears in a report). */
  path: string;
  /** The file's text as written, where check reports find lines and columns; none for a registry's schema. */
  source?: string;
  /** AVRO when absent. */
  schemaType?: SchemaType;
  /** The registry subjects its imports or `$ref`s name (Confluent schema references). */
  references?: SchemaReference[];
}

/** A schema file streamflow itself encodes and decodes with (a contract): it has an avsc type too. */
export interface TypedSchemaFile extends SchemaFile {
  /** The parsed avsc type; records are named by their full name (`type.name`). */
  type: avro.Type;
}

/** A schema file that is not JSON or not a valid Avro schema: exit 2, naming the file. */
export class InvalidSchemaFileError extends UsageError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: not a valid Avro schema: ${reason}`);
  }
}

/**
 * Parse Avro schema JSON into an avsc type. Logical types are left to their underlying
 * types on purpose: `timestamp-millis` values are numbers (epoch ms) and `uuid` values are
 * strings, which keeps generated data deterministic and JSON-friendly. Unions of null and
 * one type are unwrapped (avsc's `wrapUnions: 'auto'`).
 */
export function avroTypeOf(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'auto' });
}

/**
 * Validate schema text by Avro Java's rules (what the registry applies), through the
 * compatibility module's parser. Not avsc: it refuses schemas the registry accepts (an empty
 * union, a union default on a later branch, non-ASCII names), and checking or registering such a
 * schema needs no encoder. Throws a plain Error with the reason; callers add the file name.
 */
export function parseAvroSchemaText(raw: string): AvroSchemaText {
  try {
    parseSchema(raw);
  } catch (err) {
    if (err instanceof SchemaParseError) throw new Error(err.message);
    throw err;
  }
  return { text: compactJson(raw) };
}

/** The avsc type of a schema file, for the schemas streamflow encodes with; a schema avsc refuses is an InvalidSchemaFileError. */
export function withAvroType(file: SchemaFile): TypedSchemaFile {
  try {
    return { ...file, type: avroTypeOf(JSON.parse(file.text)) };
  } catch (err) {
    throw new InvalidSchemaFileError(file.path, `valid for Avro Java, but streamflow's encoder (avsc) cannot use it: ${(err as Error).message}`);
  }
}

export async function readSchemaFile(file: string): Promise<SchemaFile> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(e.code === 'ENOENT' ? `schema file ${file} does not exist` : `cannot read schema file ${file}: ${e.message}`);
  }
  return { path: file, ...parseSchemaFileText(file, raw) };
}

/** Like readSchemaFile, for text that came from elsewhere (e.g. `git show`). */
export function parseSchemaFileText(file: string, raw: string): AvroSchemaText & { source: string } {
  try {
    return { ...parseAvroSchemaText(raw), source: raw };
  } catch (err) {
    throw new InvalidSchemaFileError(file, (err as Error).message);
  }
}

/**
 * Drop whitespace and comments outside strings, from text parseSchema accepted; unlike
 * JSON.stringify(JSON.parse()) it keeps `1.0` and big longs as written.
 */
function compactJson(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '"') {
      const end = stringEnd(raw, i);
      out += raw.slice(i, end);
      i = end - 1;
    } else if (raw.startsWith('/*', i)) {
      i = raw.indexOf('*/', i + 2) + 1;
    } else if (raw.startsWith('//', i)) {
      while (i + 1 < raw.length && raw[i + 1] !== '\n' && raw[i + 1] !== '\r') i++;
    } else if (ch > ' ') {
      out += ch;
    }
  }
  return out;
}

/** Index just past the string literal that starts at `start`. */
function stringEnd(raw: string, start: number): number {
  let i = start + 1;
  while (raw[i] !== '"') i += raw[i] === '\\' ? 2 : 1;
  return i + 1;
}
