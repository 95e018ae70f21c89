import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { describeZodError } from '../config/schema.js';
import { readSchemaFile, type TypedSchemaFile, withAvroType } from './schema-file.js';

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
  /** `schema.path` is the file's path under the loaded dir; streamflow encodes with `schema.type`. */
  schema: TypedSchemaFile;
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
            file: z.string().regex(/^[^/\\]+\.avsc$/, 'must be a .avsc file name in the same folder'),
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
    throw new UsageError(e.code === 'ENOENT' ? `${manifestPath} does not exist` : `cannot read ${manifestPath}: ${e.message}`, `a contracts folder holds ${MANIFEST_FILE} and the .avsc files it lists`);
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
    const schema = withAvroType(await readSchemaFile(path.join(dir, entry.file)));
    const recordName = schema.type.name;
    if (schema.type.typeName !== 'record' || !recordName) {
      throw new UsageError(`${schema.path}: a contract must be an Avro record (contracts.${i}.file)`);
    }
    if (manifest.namespace && !recordName.startsWith(`${manifest.namespace}.`)) {
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
