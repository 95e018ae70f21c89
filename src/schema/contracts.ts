import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { describeZodError } from '../config/schema.js';
import { parseProto } from './protobuf/index.js';
import { SCHEMA_TYPES } from './registry-client.js';
import { readSchemaFile, type SchemaFile, withAvroType } from './schema-file.js';

export const MANIFEST_FILE = 'contracts.yaml';

export const SUBJECT_NAME_STRATEGIES = ['TopicNameStrategy', 'TopicRecordNameStrategy', 'RecordNameStrategy'] as const;
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number];

/** One event contract: a schema file, the topic that carries it and the subject it is registered under. */
export interface Contract {
  /** File name as written in the manifest, e.g. order-created.avsc. */
  file: string;
  topic: string;
  strategy: SubjectNameStrategy;
  subject: string;
  /** Full name of the schema's record, e.g. com.streamflow.checkout.OrderCreated. */
  recordName: string;
  /** `schema.path` is the file's path under the loaded dir; its `schemaType` says which of the registry's formats it is. */
  schema: SchemaFile;
}

const KAFKA_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

const manifestSchema = z
  .object({
    /** When given, every contract's record must live in this namespace. */
    namespace: z.string().min(1).optional(),
    contracts: z
      .array(
        z
          .object({
            file: z.string().regex(/^[^/\\]+\.(avsc|json|proto)$/, 'must be a .avsc, .json or .proto file name in the same folder'),
            /** By the file's extension (and a .json file's content) when absent. */
            type: z.enum(SCHEMA_TYPES).optional(),
            /** Confluent schema references: the subject version each import or `$ref` name is registered as. */
            references: z.array(z.object({ name: z.string().min(1), subject: z.string().min(1), version: z.number().int().positive() }).strict()).optional(),
            topic: z.string().regex(KAFKA_TOPIC, 'must be a Kafka topic name (letters, digits, . _ -)'),
            strategy: z.enum(SUBJECT_NAME_STRATEGIES),
          })
          .strict(),
      )
      .min(1, 'lists no contracts'),
  })
  .strict();

/** The registry subject of a schema under Confluent's subject name strategies (value side). */
export function subjectName(strategy: SubjectNameStrategy, topic: string, recordName: string): string {
  switch (strategy) {
    case 'TopicNameStrategy':
      return `${topic}-value`;
    case 'TopicRecordNameStrategy':
      return `${topic}-${recordName}`;
    case 'RecordNameStrategy':
      return recordName;
  }
}

/**
 * Read `<dir>/contracts.yaml` and every schema it names, validated: the manifest against its
 * schema (errors name the key path), each schema with avsc and the Avro Java rules, and
 * subjects unique. Any problem is a UsageError (exit 2) naming the file.
 */
export async function loadContracts(dir: string): Promise<Contract[]> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(e.code === 'ENOENT' ? `${manifestPath} does not exist` : `cannot read ${manifestPath}: ${e.message}`, `a contracts folder holds ${MANIFEST_FILE} and the schema files it lists`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`${manifestPath} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${manifestPath}: ${describeZodError(parsed.error)}`);
  const manifest = parsed.data;

  const contracts: Contract[] = [];
  for (const [i, entry] of manifest.contracts.entries()) {
    const schema = await readSchemaFile(path.join(dir, entry.file), { ...(entry.type ? { type: entry.type } : {}), ...(entry.references ? { references: entry.references } : {}) });
    const recordName = recordNameOf(schema, entry.strategy, `contracts.${i}.file`);
    if (manifest.namespace && schema.schemaType !== 'JSON' && !recordName.startsWith(`${manifest.namespace}.`)) {
      throw new UsageError(`${schema.path}: record ${recordName} is not in the manifest's namespace ${manifest.namespace}`);
    }
    const subject = subjectName(entry.strategy, entry.topic, recordName);
    const clash = contracts.find((c) => c.subject === subject || c.file === entry.file);
    if (clash) {
      throw new UsageError(`${manifestPath}: contracts.${i} (${entry.file}) has the same ${clash.file === entry.file ? 'file' : `subject ${subject}`} as ${clash.file}`);
    }
    contracts.push({ file: entry.file, topic: entry.topic, strategy: entry.strategy, subject, recordName, schema });
  }
  return contracts;
}

/** Avro contracts are the ones streamflow's generator and services encode with. */
export function isAvroContract(c: Contract): boolean {
  return (c.schema.schemaType ?? 'AVRO') === 'AVRO';
}

/**
 * The record name the subject strategies use, as Confluent's serializers take it: an Avro
 * record's full name (and avsc must be able to encode it), a .proto's first message's full
 * name, a JSON Schema's `title` (needed unless the subject is `<topic>-value`).
 */
function recordNameOf(schema: SchemaFile, strategy: SubjectNameStrategy, where: string): string {
  switch (schema.schemaType ?? 'AVRO') {
    case 'AVRO': {
      const { type } = withAvroType(schema);
      if (type.typeName !== 'record' || !type.name) throw new UsageError(`${schema.path}: an Avro contract must be an Avro record (${where})`);
      return type.name;
    }
    case 'PROTOBUF': {
      const first = parseProto(schema.source ?? schema.text, schema.path, schema.imports ?? {}).types.find((t) => t.kind === 'message');
      if (!first) throw new UsageError(`${schema.path}: a Protobuf contract must declare a message (${where})`);
      return first.fullName;
    }
    case 'JSON': {
      const title = (JSON.parse(schema.source ?? schema.text) as { title?: unknown }).title;
      if (typeof title === 'string' && title !== '') return title;
      if (strategy === 'TopicNameStrategy') return path.basename(schema.path, path.extname(schema.path));
      throw new UsageError(`${schema.path}: a JSON Schema contract under ${strategy} needs a "title", its record name (${where})`);
    }
  }
}
