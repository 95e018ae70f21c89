import type avro from 'avsc';
import { UsageError } from '../errors.js';
import type { RegistryClient } from './registry-client.js';
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
 * The latest registered version of `subject`, for a producer. streamflow's producers never
 * auto-register: a subject that does not exist is an error telling the operator to run
 * `schema register`. Pair with encodeWithSchemaId(type, id, value).
 */
export async function resolveRegisteredSchema(
  client: RegistryClient,
  subject: string,
  hint = 'register the contracts first: `streamflow schema register --dir schemas/checkout`',
): Promise<RegisteredSchema> {
  let latest;
  try {
    latest = await client.getVersion(subject, 'latest');
  } catch (err) {
    if (err instanceof RegistryNotFoundError) {
      throw new UsageError(`subject ${subject} has no registered schema; producers do not auto-register`, hint);
    }
    throw err;
  }
  return { subject, version: latest.version, id: latest.id, type: typeOf(latest.schema, `subject ${subject} version ${latest.version}`) };
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
