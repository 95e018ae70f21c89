import type { ResolvedRegistry } from '../config/resolve-connection.js';
import { SchemaCache } from '../schema/registered-schema.js';
import { RegistryClient } from '../schema/registry-client.js';
import { WireFormatError, decodeFramed } from '../schema/wire-format.js';

export interface DecodedPayload {
  /** The decoded value in JSON-safe form (bytes as base64, longs beyond 2^53 as strings); null when it did not decode. */
  value: unknown;
  /** Why it did not decode: the wire-format error's class and message. */
  error: { class: string; message: string } | null;
}

export type PayloadDecoder = (value: Buffer | null) => Promise<DecodedPayload>;

/**
 * Decode Confluent-framed Avro values with the writer's schema from the registry. Bad data
 * (bad magic byte, unknown schema id, broken Avro) is a per-record error; an unreachable
 * registry is not about the record and propagates (exit 3).
 */
export function registryPayloadDecoder(registry: ResolvedRegistry | undefined, signal?: AbortSignal): PayloadDecoder {
  if (!registry) return async () => ({ value: null, error: { class: 'NoRegistry', message: 'no schema registry configured (--registry)' } });
  const cache = new SchemaCache(new RegistryClient(registry, signal ? { signal } : {}));
  return async (value) => {
    if (value === null) return { value: null, error: { class: 'NullValue', message: 'the record has no value (a tombstone)' } };
    try {
      return { value: toJsonSafe((await decodeFramed(value, cache.lookup)).value), error: null };
    } catch (err) {
      if (err instanceof WireFormatError) return { value: null, error: { class: err.name, message: err.message } };
      throw err;
    }
  };
}

/** avsc values as JSON: Buffers to base64, bigints to strings, Dates to ISO. */
export function toJsonSafe(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonSafe(x)]));
  return v;
}
