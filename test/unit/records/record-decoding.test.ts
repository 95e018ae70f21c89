import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { RecordDecoder } from '../../../src/records/record-decoding.js';
import type { RegistryClient } from '../../../src/schema/registry-client.js';
import { RegistryNotFoundError } from '../../../src/schema/registry-errors.js';

const WITH_BYTES = { type: 'record', name: 'Blob', fields: [{ name: 'id', type: 'long' }, { name: 'data', type: ['null', 'bytes'] }, { name: 'tags', type: { type: 'map', values: 'string' } }] };
const PLAIN = { type: 'record', name: 'Plain', fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string' }, { name: 'items', type: { type: 'array', items: { type: 'record', name: 'I', fields: [{ name: 'q', type: 'int' }] } } }] };
const schemas: Record<number, { schema: string; schemaType: string }> = {
  1: { schema: JSON.stringify(WITH_BYTES), schemaType: 'AVRO' },
  2: { schema: JSON.stringify(PLAIN), schemaType: 'AVRO' },
  3: { schema: '{"type":"object"}', schemaType: 'JSON' },
  4: { schema: 'syntax = "proto3"; message M {}', schemaType: 'PROTOBUF' },
};
/** The registry's answers by id, as RegistryClient returns them (the integration tests use the real one). */
const registry = {
  getSchemaById: async (id: number) => {
    const s = schemas[id];
    if (!s) throw new RegistryNotFoundError(`schema id ${id} not found`, 2, 404, 40403);
    return { id, ...s };
  },
} as unknown as RegistryClient;

function framed(id: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, payload]);
}

describe('RecordDecoder', () => {
  it('decodes Avro with the writer schema of the id, bytes as base64 and plain records as they are', async () => {
    const decoder = new RecordDecoder(registry);
    const blob = framed(1, avro.Type.forSchema(WITH_BYTES as avro.Schema, { wrapUnions: 'auto' }).toBuffer({ id: 7, data: Buffer.from([1, 2, 3]), tags: { a: 'b' } }));
    const plain = framed(2, avro.Type.forSchema(PLAIN as avro.Schema).toBuffer({ id: 8, name: 'n', items: [{ q: 2 }] }));
    await decoder.prepare([{ key: null, value: blob }, { key: null, value: plain }]);
    expect(decoder.decode(blob)).toMatchObject({ format: 'avro', schemaId: 1, decoded: { id: 7, data: 'AQID', tags: { a: 'b' } } });
    expect(JSON.parse(JSON.stringify(decoder.decode(plain).decoded))).toEqual({ id: 8, name: 'n', items: [{ q: 2 }] });
  });

  it('shows JSON Schema payloads as JSON, and what it cannot decode as bytes with the reason', async () => {
    const decoder = new RecordDecoder(registry);
    const json = framed(3, Buffer.from('{"a":1}'));
    const proto = framed(4, Buffer.from([8, 1]));
    const unknown = framed(99, Buffer.from([1]));
    const broken = framed(2, Buffer.from([0xff]));
    await decoder.prepare([json, proto, unknown, broken].map((value) => ({ key: null, value })));
    expect(decoder.decode(json)).toMatchObject({ format: 'json', schemaId: 3, decoded: { a: 1 } });
    expect(decoder.decode(proto)).toMatchObject({ format: 'base64', schemaId: 4, error: 'schema id 4 is PROTOBUF, which streamflow does not decode yet' });
    expect(decoder.decode(unknown)).toMatchObject({ format: 'base64', error: 'schema id 99 is not in the registry' });
    expect(decoder.decode(broken)).toMatchObject({ format: 'base64', schemaId: 2, error: expect.stringContaining('does not decode with schema id 2') });
  });

  it('tells text, JSON and binary apart when nothing is framed', () => {
    const decoder = new RecordDecoder(undefined);
    expect(decoder.decode(Buffer.from('o-42')).format).toBe('text');
    expect(decoder.decode(Buffer.from('{"a": [1]}'))).toMatchObject({ format: 'json', decoded: { a: [1] } });
    expect(decoder.decode(Buffer.from('{oops')).format).toBe('text');
    expect(decoder.decode(Buffer.from([0xc3, 0x28])).format).toBe('base64');
    expect(decoder.decode(null).format).toBeNull();
  });
});
