import type avro from 'avsc';
import { ExitCode, StreamflowError } from '../errors.js';

/*
 * Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * Avro binary encoding of the value. Each failure is its own class; its `name` is meant to be
 * the error class recorded on a dead-lettered record (e.g. "BadMagicByteError").
 */

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

/** Data that does not fit a schema or a frame (a consumer dead-letters these; anything else is retried). Exit 2 at the CLI. */
export class WireFormatError extends StreamflowError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** encodeWithSchemaId refused a value that does not validate against the schema. */
export class InvalidRecordError extends WireFormatError {
  constructor(
    readonly schemaName: string,
    /** Dotted paths of the offending fields, e.g. `envelope.occurred_at`, `items.0.quantity`. */
    readonly paths: string[],
  ) {
    super(`record does not match schema ${schemaName}: invalid ${paths.length === 0 ? 'value' : paths.join(', ')}`);
  }
}

/** The first byte is not 0 (or there is no byte at all): not Confluent-framed Avro. */
export class BadMagicByteError extends WireFormatError {
  constructor(readonly magicByte: number | undefined) {
    super(magicByte === undefined ? 'empty value: no Confluent magic byte' : `bad magic byte ${magicByte} (Confluent-framed Avro starts with 0)`);
  }
}

/** The frame names a schema id the registry does not know. */
export class UnknownSchemaIdError extends WireFormatError {
  constructor(readonly schemaId: number) {
    super(`unknown schema id ${schemaId}`);
  }
}

/** The header is cut short, or the body is not a valid Avro encoding under the schema (truncated, trailing bytes, bad union index...). */
export class AvroDecodeError extends WireFormatError {
  constructor(
    readonly schemaId: number | undefined,
    reason: string,
  ) {
    super(schemaId === undefined ? `cannot decode: ${reason}` : `cannot decode with schema id ${schemaId}: ${reason}`);
  }
}

/** Frame `value` as Confluent Avro under `schemaId`; throws InvalidRecordError (with the paths) if it does not validate. */
export function encodeWithSchemaId(type: avro.Type, schemaId: number, value: unknown): Buffer {
  assertValid(type, value);
  const body = type.toBuffer(value);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/**
 * encodeWithSchemaId for producers that frame many records: frames are written back to back
 * into shared slabs, one allocation per `slabBytes` instead of three per record (body, header,
 * concat). Each frame is a view of its slab, so keeping one frame keeps its slab.
 */
export class FrameWriter {
  private slab = Buffer.allocUnsafe(0);
  private used = 0;

  constructor(private readonly slabBytes = 64 * 1024) {}

  write(type: avro.Type, schemaId: number, value: unknown): Buffer {
    assertValid(type, value);
    if (this.slab.length - this.used <= HEADER_BYTES) this.startSlab(this.slabBytes);
    let end = type.encode(value, this.slab, this.used + HEADER_BYTES);
    if (end < 0) {
      // It did not fit; avsc returns minus the bytes missing, so the next slab has room for it.
      this.startSlab(Math.max(this.slabBytes, this.slab.length - end - this.used));
      end = type.encode(value, this.slab, HEADER_BYTES);
    }
    const start = this.used;
    this.slab[start] = MAGIC_BYTE;
    this.slab.writeInt32BE(schemaId, start + 1);
    this.used = end;
    return this.slab.subarray(start, end);
  }

  private startSlab(bytes: number): void {
    this.slab = Buffer.allocUnsafe(bytes);
    this.used = 0;
  }
}

// The fast check first; the paths are only collected for the error.
function assertValid(type: avro.Type, value: unknown): void {
  if (type.isValid(value)) return;
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  throw new InvalidRecordError(type.name ?? type.typeName, paths);
}

/** Finds the writer's type for an id: undefined when the registry has no such id. */
export type SchemaLookup = (schemaId: number) => Promise<avro.Type | undefined>;

export interface DecodedRecord {
  schemaId: number;
  /** avsc's value: records are objects, longs numbers, timestamps epoch-ms numbers, uuids strings. */
  value: unknown;
}

/**
 * Decode a Confluent-framed Avro value with the writer's schema from `lookup` (e.g.
 * SchemaCache.lookup). Throws BadMagicByteError, UnknownSchemaIdError or AvroDecodeError for
 * bad data; errors of the lookup itself (registry unreachable) pass through unchanged, since
 * they say nothing about the record and should be retried rather than dead-lettered.
 */
export async function decodeFramed(buffer: Buffer, lookup: SchemaLookup): Promise<DecodedRecord> {
  if (buffer.length === 0 || buffer[0] !== MAGIC_BYTE) throw new BadMagicByteError(buffer[0]);
  if (buffer.length < HEADER_BYTES) throw new AvroDecodeError(undefined, `${buffer.length}-byte value is shorter than the 5-byte header`);
  const schemaId = buffer.readInt32BE(1);
  const type = await lookup(schemaId);
  if (!type) throw new UnknownSchemaIdError(schemaId);
  try {
    return { schemaId, value: type.fromBuffer(buffer.subarray(HEADER_BYTES)) };
  } catch (err) {
    throw new AvroDecodeError(schemaId, (err as Error).message);
  }
}
