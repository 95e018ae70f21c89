import { UsageError } from '../errors.js';
import { checkCompatibility, type CompatibilityLevel, type CompatibilityResult } from './compatibility/index.js';
import { type DiffCheckResult, checkByDifferences } from './diff-compatibility.js';
import { DIFF_FORMATS } from './schema-formats.js';
import type { CheckViolation, ContractCheck } from './check-report.js';
import type { Contract } from './contracts.js';
import type { RegistryClient, SchemaReference } from './registry-client.js';
import { RegistryNotFoundError } from './registry-errors.js';
import type { SchemaFile } from './schema-file.js';
import { locateJsonPath } from './schema-location.js';

/** Check a schema file against older schema files, no registry involved: Avro by Avro Java's rules, JSON Schema and Protobuf by Confluent's differences. */
export function checkOffline(proposed: SchemaFile, previousOldestFirst: SchemaFile[], level: CompatibilityLevel): ContractCheck {
  const { compatible, messages, violations } = offlineResult(proposed, previousOldestFirst, level);
  return { file: proposed.path, status: compatible ? 'compatible' : 'incompatible', compatible, level, checkedBy: 'offline', messages, violations };
}

function offlineResult(proposed: SchemaFile, previousOldestFirst: SchemaFile[], level: CompatibilityLevel): DiffCheckResult {
  const type = proposed.schemaType ?? 'AVRO';
  const other = previousOldestFirst.find((p) => (p.schemaType ?? 'AVRO') !== type);
  if (other) throw new UsageError(`${proposed.path} is ${type} and ${other.path} is ${other.schemaType ?? 'AVRO'}: a subject keeps one schema type`);
  if (type !== 'AVRO') return checkByDifferences(DIFF_FORMATS[type], proposed, previousOldestFirst, level);
  const result = checkCompatibility(
    proposed.text,
    previousOldestFirst.map((p) => p.text),
    level,
    { versions: previousOldestFirst.map((p) => p.path) },
  );
  return { compatible: result.compatible, messages: result.messages, violations: located(proposed, result) };
}

/**
 * Each message with its place in the proposed file: Avro Java's location is in the reader's
 * schema, which is the new one when it reads old data; when an old version reads new data the
 * place is the new file's nearest match (the field's record, say).
 */
function located(proposed: SchemaFile, result: CompatibilityResult): CheckViolation[] {
  return result.incompatibilities.map((inc, i) => {
    const at = proposed.source === undefined ? undefined : locateJsonPath(proposed.source, inc.location);
    return { message: result.messages[i]!, ...(at ?? {}) };
  });
}

const TRANSITIVE = new Set<CompatibilityLevel>(['BACKWARD_TRANSITIVE', 'FORWARD_TRANSITIVE', 'FULL_TRANSITIVE']);

/**
 * Would registering `schema` under `subject` pass? At the subject's own level the registry
 * answers (against the latest version, or every version for transitive levels: Apicurio 3.0
 * checks every version on .../versions whatever the level). At another `level` the registry
 * cannot test, so the subject's versions are fetched and the offline checker decides. When the
 * registry says no without reasons (Apicurio never gives any), the offline checker explains.
 */
export async function checkWithRegistry(client: RegistryClient, subject: string, schema: SchemaFile, level?: CompatibilityLevel): Promise<ContractCheck> {
  const configured = await client.getCompatibility(subject);
  const effective = level ?? configured;
  const base = { file: schema.path, subject, level: effective };
  let versions: number[];
  try {
    versions = await client.listVersions(subject);
  } catch (err) {
    if (!(err instanceof RegistryNotFoundError)) throw err;
    versions = [];
  }
  if (versions.length === 0) {
    return { ...base, status: 'new', compatible: true, checkedBy: level === undefined ? 'registry' : 'offline', messages: [] };
  }

  const kind = { schemaType: schema.schemaType ?? 'AVRO', references: schema.references ?? [] };
  const offline = async () => {
    const wanted = TRANSITIVE.has(effective) ? versions : versions.slice(-1);
    const previous = await Promise.all(wanted.map((v) => registryVersionFile(client, subject, v)));
    return offlineResult(schema, previous, effective);
  };

  if (effective === configured) {
    const answer = await client.testCompatibility(subject, schema.text, TRANSITIVE.has(effective) ? 'all' : 'latest', kind);
    if (!answer.compatible && answer.messages.length === 0) {
      const result = await offline();
      if (result.messages.length > 0) return { ...base, status: 'incompatible', compatible: false, checkedBy: 'registry', messages: result.messages, violations: result.violations };
      return { ...base, status: 'incompatible', compatible: false, checkedBy: 'registry', messages: [`the registry reports the schema incompatible at ${effective} without giving reasons`] };
    }
    return { ...base, status: answer.compatible ? 'compatible' : 'incompatible', compatible: answer.compatible, checkedBy: 'registry', messages: answer.messages };
  }
  const result = await offline();
  return { ...base, status: result.compatible ? 'compatible' : 'incompatible', checkedBy: 'offline', ...result };
}

/** A subject version as a schema file for the offline checker, with the texts of what it references. */
async function registryVersionFile(client: RegistryClient, subject: string, version: number): Promise<SchemaFile> {
  const v = await client.getVersion(subject, version);
  return { path: String(version), text: v.schema, source: v.schema, schemaType: v.schemaType, references: v.references, imports: await referenceTexts(client, v.references) };
}

/** The texts of schema references by the names they go by, and of what those reference in turn, from the registry. */
export async function referenceTexts(client: RegistryClient, references: SchemaReference[]): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  const pending = [...references];
  while (pending.length > 0) {
    const ref = pending.shift()!;
    if (Object.hasOwn(texts, ref.name)) continue;
    const referenced = await client.getVersion(ref.subject, ref.version);
    texts[ref.name] = referenced.schema;
    pending.push(...referenced.references);
  }
  return texts;
}

/** `schema check --dir D` with a registry: every contract of the manifest against its subject, in manifest order. */
export async function checkContractsWithRegistry(client: RegistryClient, contracts: Contract[], level?: CompatibilityLevel): Promise<ContractCheck[]> {
  const checks: ContractCheck[] = [];
  for (const c of contracts) checks.push(await checkWithRegistry(client, c.subject, c.schema, level));
  return checks;
}
