import { checkCompatibility, type CompatibilityLevel, type CompatibilityResult } from './compatibility/index.js';
import type { CheckViolation, ContractCheck } from './check-report.js';
import type { Contract } from './contracts.js';
import type { RegistryClient } from './registry-client.js';
import { RegistryNotFoundError } from './registry-errors.js';
import type { SchemaFile } from './schema-file.js';
import { locateJsonPath } from './schema-location.js';

/** Check a schema file against older schema files, no registry involved. */
export function checkOffline(proposed: SchemaFile, previousOldestFirst: SchemaFile[], level: CompatibilityLevel): ContractCheck {
  const result = checkCompatibility(
    proposed.text,
    previousOldestFirst.map((p) => p.text),
    level,
    { versions: previousOldestFirst.map((p) => p.path) },
  );
  return {
    file: proposed.path,
    status: result.compatible ? 'compatible' : 'incompatible',
    compatible: result.compatible,
    level,
    checkedBy: 'offline',
    messages: result.messages,
    violations: located(proposed, result),
  };
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

  const offline = async () => {
    const wanted = TRANSITIVE.has(effective) ? versions : versions.slice(-1);
    const previous = await Promise.all(wanted.map((v) => client.getVersion(subject, v)));
    return checkCompatibility(schema.text, previous.map((p) => p.schema), effective, { versions: wanted });
  };

  if (effective === configured) {
    const answer = await client.testCompatibility(subject, schema.text, TRANSITIVE.has(effective) ? 'all' : 'latest');
    let messages = answer.messages;
    if (!answer.compatible && messages.length === 0) {
      const result = await offline();
      messages = result.messages;
      if (messages.length > 0) return { ...base, status: 'incompatible', compatible: false, checkedBy: 'registry', messages, violations: located(schema, result) };
      if (messages.length === 0) messages = [`the registry reports the schema incompatible at ${effective} without giving reasons`];
    }
    return { ...base, status: answer.compatible ? 'compatible' : 'incompatible', compatible: answer.compatible, checkedBy: 'registry', messages };
  }
  const result = await offline();
  return { ...base, status: result.compatible ? 'compatible' : 'incompatible', compatible: result.compatible, checkedBy: 'offline', messages: result.messages, violations: located(schema, result) };
}

/** `schema check --dir D` with a registry: every contract of the manifest against its subject, in manifest order. */
export async function checkContractsWithRegistry(client: RegistryClient, contracts: Contract[], level?: CompatibilityLevel): Promise<ContractCheck[]> {
  const checks: ContractCheck[] = [];
  for (const c of contracts) checks.push(await checkWithRegistry(client, c.subject, c.schema, level));
  return checks;
}
