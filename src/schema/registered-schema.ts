import type avro from 'avsc';
import { UsageError } from '../errors.js';
import type { RegistryClient, VersionRef } from './registry-client.js';
import { RegistryNotFoundError } from './registry-errors.js';
import { avroTypeOf } from './schema-file.js';

/** A schema as producers use it: registered, with its id, parsed for encoding. */
export interface RegisteredSchema {
  subject: string;
  version: number;
  id: number;
  type: avro.Type;
}

/**
 * The latest (or a given) registered version of `subject`, for a producer. streamflow's
 * producers never auto-register: a subject or version that does not exist is an error telling
 * the operator to run `schema register`. Pair with encodeWithSchemaId(type, id, value).
 */
export async function resolveRegisteredSchema(
  client: RegistryClient,
  subject: string,
  hint = 'register the contracts first: `streamflow schema register --dir schemas/checkout`',
  version: VersionRef = 'latest',
): Promise<RegisteredSchema> {
  let found;
  try {
    found = await client.getVersion(subject, version);
  } catch (err) {
    if (err instanceof RegistryNotFoundError) {
      const what = version === 'latest' || err.errorCode === 40401 ? `subject ${subject} has no registered schema` : `subject ${subject} has no version ${version}`;
      throw new UsageError(`${what}; producers do not auto-register`, hint);
    }
    throw err;
  }
  return { subject, version: found.version, id: found.id, type: typeOf(found.schema, `subject ${subject} version ${found.version}`) };
}

/**
 * Writer schemas by id, for consumers: each id is fetched once (ids are immutable) and
 * concurrent lookups of one id share a request. `cache.lookup` is the SchemaLookup that
 * decodeFramed expects; unknown ids are not cached, so a schema registered later is found.
 */
export class SchemaCache {
  private readonly byId = new Map<number, Promise<avro.Type | undefined>>();

  constructor(private readonly client: RegistryClient) {}

  readonly lookup = (id: number): Promise<avro.Type | undefined> => {
    let entry = this.byId.get(id);
    if (!entry) {
      entry = this.fetch(id);
      this.byId.set(id, entry);
      entry.then(
        (type) => type ?? this.byId.delete(id),
        () => this.byId.delete(id),
      );
    }
    return entry;
  };

  private async fetch(id: number): Promise<avro.Type | undefined> {
    try {
      return typeOf((await this.client.getSchemaById(id)).schema, `schema id ${id}`);
    } catch (err) {
      if (err instanceof RegistryNotFoundError) return undefined;
      throw err;
    }
  }
}

/** Only avsc here: whatever the registry accepted must decode, even if our parser is stricter. */
function typeOf(schema: string, what: string): avro.Type {
  try {
    return avroTypeOf(JSON.parse(schema));
  } catch (err) {
    throw new UsageError(`the registry's ${what} is not a usable Avro schema: ${(err as Error).message}`);
  }
}
