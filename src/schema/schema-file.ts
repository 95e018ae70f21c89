import fs from 'node:fs/promises';
import avro from 'avsc';
import { UsageError } from '../errors.js';
import { parseSchema, SchemaParseError } from './compatibility/index.js';

/** An Avro schema read from a file (or a registry), validated and ready to send or use. */
export interface AvroSchemaText {
  /** The JSON with insignificant whitespace removed (literals and key order kept): what we
   * send to the registry, so a reformatted file still has the same text (Apicurio compares
   * text, not parsed schemas, when it looks a schema up). */
  text: string;
  /** The parsed avsc type; records are named by their full name (`type.name`). */
  type: avro.Type;
}

export interface SchemaFile extends AvroSchemaText {
  /** The path as given (or as it appears in a report). */
  path: string;
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
 * Validate schema text the way both sides will see it: the compatibility module's parser
 * (Avro Java's rules, which the registry applies) and avsc (what producers and consumers
 * use). Throws a plain Error with the reason; callers add the file name.
 */
export function parseAvroSchemaText(raw: string): AvroSchemaText {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  try {
    parseSchema(raw);
  } catch (err) {
    if (err instanceof SchemaParseError) throw new Error(err.message);
    throw err;
  }
  let type: avro.Type;
  try {
    type = avroTypeOf(json);
  } catch (err) {
    throw new Error((err as Error).message);
  }
  return { text: compactJson(raw), type };
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
export function parseSchemaFileText(file: string, raw: string): AvroSchemaText {
  try {
    return parseAvroSchemaText(raw);
  } catch (err) {
    throw new InvalidSchemaFileError(file, (err as Error).message);
  }
}

/** Drop whitespace outside strings; unlike JSON.stringify(JSON.parse()) it keeps `1.0` and big longs as written. */
function compactJson(raw: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') out += raw[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (!' \t\n\r'.includes(ch)) {
      out += ch;
    }
  }
  return out;
}
