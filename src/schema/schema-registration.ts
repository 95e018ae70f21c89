import type { Contract } from './contracts.js';
import type { RegistryClient } from './registry-client.js';
import { IncompatibleSchemaError } from './registry-errors.js';
import type { SchemaFile } from './schema-file.js';

export interface RegistrationResult {
  subject: string;
  file: string;
  /** `unchanged`: the subject already had this exact schema, so no new version was made. */
  status: 'registered' | 'unchanged' | 'incompatible';
  id: number | null;
  version: number | null;
  /** The registry's reasons when it refused the schema (409). */
  messages: string[];
}

/**
 * Register a schema idempotently: look it up first (POST /subjects/S), register only when the
 * subject does not have it. Looking up first also keeps Apicurio from adding a version for a
 * schema the subject already has as an older version.
 */
export async function registerSchema(client: RegistryClient, subject: string, schema: SchemaFile): Promise<RegistrationResult> {
  const base = { subject, file: schema.path };
  const kind = { schemaType: schema.schemaType ?? 'AVRO', references: schema.references ?? [] };
  const existing = await client.lookup(subject, schema.text, kind);
  if (existing) return { ...base, status: 'unchanged', id: existing.id, version: existing.version, messages: [] };
  try {
    const { id } = await client.register(subject, schema.text, kind);
    const registered = await client.lookup(subject, schema.text, kind);
    return { ...base, status: 'registered', id, version: registered?.version ?? null, messages: [] };
  } catch (err) {
    if (err instanceof IncompatibleSchemaError) return { ...base, status: 'incompatible', id: null, version: null, messages: err.reasons };
    throw err;
  }
}

/** `schema register --dir D`: every contract of the manifest, in manifest order; one refusal does not stop the rest. */
export async function registerContracts(client: RegistryClient, contracts: Contract[]): Promise<RegistrationResult[]> {
  const results: RegistrationResult[] = [];
  for (const c of contracts) results.push(await registerSchema(client, c.subject, c.schema));
  return results;
}
