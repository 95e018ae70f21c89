import fs from 'node:fs/promises';
import path from 'node:path';
import avro from 'avsc';
import { UsageError } from '../errors.js';
import { parseSchema, SchemaParseError } from './compatibility/index.js';
import type { SchemaReference, SchemaType } from './registry-client.js';
import { importsOf, validateSchemaFile } from './schema-formats.js';
import { schemaTypeOf } from './schema-types.js';

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
  /** The texts of the files it imports (Protobuf) or `$ref`s (JSON Schema), by the name it uses, for checking it offline. */
  imports?: Record<string, string>;
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
    schemaType: SchemaType = 'AVRO',
  ) {
    super(`${file}: not a valid ${TYPE_LABEL[schemaType]}: ${reason}`, schemaType === 'JSON' && /\.json$/i.test(file) ? 'if it is an Avro schema, say so with --type AVRO' : undefined);
  }
}

const TYPE_LABEL: Record<SchemaType, string> = { AVRO: 'Avro schema', JSON: 'JSON Schema', PROTOBUF: 'Protobuf schema' };

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

export interface SchemaFileOptions {
  /** --type: else by the file's extension (schemaTypeOf). */
  type?: SchemaType;
  /** --reference: the registry subjects its imports name. */
  references?: SchemaReference[];
  /** The texts of those references (from the registry); what they do not name is read from beside the file. */
  referenceTexts?: (references: SchemaReference[]) => Promise<Record<string, string>>;
}

/**
 * Read and validate a schema file of any of the registry's types (exit 2 naming the file, and
 * the line where known, when it is not one). The files a Protobuf or JSON Schema file imports
 * are read from beside it, by the names it uses.
 */
export async function readSchemaFile(file: string, opts: SchemaFileOptions = {}): Promise<SchemaFile> {
  const raw = await readText(file);
  const schemaType = schemaTypeOf(file, raw, opts.type);
  const referenced = opts.references && opts.referenceTexts ? await opts.referenceTexts(opts.references) : {};
  const beside = schemaType === 'AVRO' ? {} : await importedTexts(schemaType, raw, (name) => (Object.hasOwn(referenced, name) ? Promise.resolve(referenced[name]) : readOptional(path.join(path.dirname(file), name))));
  const imports = { ...beside, ...referenced };
  return { path: file, ...parseSchemaFileText(file, raw, schemaType, imports), ...(opts.references ? { references: opts.references } : {}) };
}

/** Like readSchemaFile, for text that came from elsewhere (e.g. `git show`), with the texts of what it imports. */
export function parseSchemaFileText(file: string, raw: string, schemaType: SchemaType = 'AVRO', imports: Record<string, string> = {}): AvroSchemaText & Pick<SchemaFile, 'source' | 'schemaType' | 'imports'> {
  if (schemaType === 'AVRO') {
    try {
      return { ...parseAvroSchemaText(raw), source: raw, schemaType };
    } catch (err) {
      throw new InvalidSchemaFileError(file, (err as Error).message);
    }
  }
  // Sent as written: Apicurio compares text when it looks a schema up, and a .proto has no compact form.
  const parsed = { path: file, text: schemaType === 'JSON' ? compactJson(raw) : raw, source: raw, schemaType, imports };
  try {
    validateSchemaFile(parsed);
  } catch (err) {
    if (err instanceof SchemaParseError) throw new InvalidSchemaFileError(file, err.message.startsWith(`${file}:`) ? err.message.slice(file.length + 1).trim() : err.message, schemaType);
    throw err;
  }
  return { text: parsed.text, source: raw, schemaType, imports };
}

/** The texts a schema imports, transitively, by the names used; a name `read` does not find is left out (the parser names it). */
export async function importedTexts(schemaType: SchemaType, source: string, read: (name: string) => Promise<string | undefined>): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  const pending = importsOf(schemaType, source);
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (Object.hasOwn(texts, name)) continue;
    const text = await read(name);
    if (text === undefined) continue;
    texts[name] = text;
    pending.push(...importsOf(schemaType, text));
  }
  return texts;
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(e.code === 'ENOENT' ? `schema file ${file} does not exist` : `cannot read schema file ${file}: ${e.message}`);
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
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
