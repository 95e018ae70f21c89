import type avro from 'avsc';
import { toJsonSafe } from '../dlq/payload-decoder.js';
import type { RegistryClient } from '../schema/registry-client.js';
import { RegistryNotFoundError } from '../schema/registry-errors.js';
import { avroTypeOf } from '../schema/schema-file.js';
import { isText } from './json-line-sink.js';

/** How a key or value is shown: decoded (avro, json), as text, or its bytes encoded. */
export type SideFormat = 'avro' | 'json' | 'text' | 'base64' | 'hex';
export type BytesEncoding = 'base64' | 'hex';

/** A key or a value as read, and how it is shown. */
export interface DecodedSide {
  /** null for a null key or value (a tombstone). */
  format: SideFormat | null;
  raw: Buffer | null;
  /** The JSON value for avro and json; for text and bytes it is derived from `raw` when asked (shownValue). */
  decoded?: unknown;
  schemaId?: number;
  /** Why the bytes are shown encoded although they are Confluent-framed or looked like JSON. */
  error?: string;
}

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** A registry schema by id, as consume decodes with it; null when the registry has no such id. */
type WriterSchema = { kind: 'avro'; type: avro.Type; jsonReady: boolean } | { kind: 'json' } | { kind: 'other'; schemaType: string } | null;

/**
 * Decodes keys and values of any topic: Confluent-framed records (magic byte 0, schema id)
 * with the writer's schema from the registry, else UTF-8 text (JSON objects and arrays
 * parsed), else bytes encoded. Decoding is synchronous so a million records need no million
 * promises: `prepare` fetches, before a batch is decoded, the schemas its records name.
 */
export class RecordDecoder {
  private readonly schemas = new Map<number, WriterSchema>();

  constructor(
    private readonly registry: RegistryClient | undefined,
    private readonly bytes: BytesEncoding = 'base64',
  ) {}

  /** Fetch the writer schemas these records' keys and values name and that are not known yet (an unreachable registry throws: exit 3). */
  async prepare(records: Iterable<{ key: Buffer | null; value: Buffer | null }>): Promise<void> {
    if (!this.registry) return;
    const missing = new Set<number>();
    const check = (b: Buffer | null) => {
      if (b && b.length >= HEADER_BYTES && b[0] === MAGIC_BYTE && !this.schemas.has(b.readInt32BE(1))) missing.add(b.readInt32BE(1));
    };
    for (const r of records) {
      check(r.key);
      check(r.value);
    }
    await Promise.all([...missing].map(async (id) => this.schemas.set(id, await this.fetchSchema(id))));
  }

  decode(raw: Buffer | null): DecodedSide {
    if (raw === null) return { format: null, raw };
    if (raw.length >= HEADER_BYTES && raw[0] === MAGIC_BYTE) return this.framed(raw);
    if (!isText(raw)) return { format: this.bytes, raw };
    const first = raw[0];
    if (first === 0x7b || first === 0x5b) {
      try {
        return { format: 'json', raw, decoded: JSON.parse(raw.toString('utf8')) };
      } catch {
        // Text that starts like JSON but is not: shown as text.
      }
    }
    return { format: 'text', raw };
  }

  private framed(raw: Buffer): DecodedSide {
    const schemaId = raw.readInt32BE(1);
    const undecoded = (error: string): DecodedSide => ({ format: this.bytes, raw, schemaId, error });
    if (!this.registry) return undecoded(`Confluent-framed (schema id ${schemaId}) but no schema registry is configured (--registry)`);
    const schema = this.schemas.get(schemaId);
    if (schema === undefined) throw new Error(`schema id ${schemaId} was not prepared before decoding`);
    if (schema === null) return undecoded(`schema id ${schemaId} is not in the registry`);
    const payload = raw.subarray(HEADER_BYTES);
    if (schema.kind === 'other') return undecoded(`schema id ${schemaId} is ${schema.schemaType}, which streamflow does not decode yet`);
    try {
      if (schema.kind === 'json') return { format: 'json', raw, schemaId, decoded: JSON.parse(payload.toString('utf8')) };
      const value: unknown = schema.type.fromBuffer(payload);
      return { format: 'avro', raw, schemaId, decoded: schema.jsonReady ? value : toJsonSafe(value) };
    } catch (err) {
      return undecoded(`does not decode with schema id ${schemaId}: ${(err as Error).message}`);
    }
  }

  private async fetchSchema(id: number): Promise<WriterSchema> {
    try {
      const { schema, schemaType } = await this.registry!.getSchemaById(id);
      if (schemaType === 'JSON') return { kind: 'json' };
      if (schemaType !== 'AVRO') return { kind: 'other', schemaType };
      try {
        const type = avroTypeOf(JSON.parse(schema));
        return { kind: 'avro', type, jsonReady: !holdsBytes(type) };
      } catch (err) {
        return { kind: 'other', schemaType: `an Avro schema avsc cannot use (${(err as Error).message})` };
      }
    } catch (err) {
      if (err instanceof RegistryNotFoundError) return null;
      throw err;
    }
  }
}

/** The JSON value of a side as consume prints it. */
export function shownValue(side: DecodedSide): unknown {
  if (side.raw === null) return null;
  switch (side.format) {
    case 'avro':
    case 'json':
      return side.decoded;
    case 'text':
      return side.raw.toString('utf8');
    case 'hex':
      return side.raw.toString('hex');
    default:
      return side.raw.toString('base64');
  }
}

/**
 * Does a value of this type hold bytes (Buffers, which JSON.stringify would spell out byte by
 * byte)? Without them avsc's values are JSON as they are (longs are numbers, logical types are
 * left to their underlying types), and the copy toJsonSafe makes is most of a decode's cost.
 */
function holdsBytes(type: avro.Type, seen = new Set<avro.Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  const t = type as avro.Type & { fields?: Array<{ type: avro.Type }>; itemsType?: avro.Type; valuesType?: avro.Type; types?: avro.Type[] };
  if (t.typeName === 'bytes' || t.typeName === 'fixed') return true;
  const children = [...(t.fields?.map((f) => f.type) ?? []), ...(t.itemsType ? [t.itemsType] : []), ...(t.valuesType ? [t.valuesType] : []), ...(t.types ?? [])];
  return children.some((c) => holdsBytes(c, seen));
}
