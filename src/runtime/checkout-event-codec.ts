import type avro from 'avsc';
import { type Contract, isAvroContract, loadContracts, subjectName } from '../schema/contracts.js';
import { SchemaCache, resolveRegisteredSchema } from '../schema/registered-schema.js';
import type { RegistryClient } from '../schema/registry-client.js';
import { FrameWriter, decodeFramed } from '../schema/wire-format.js';
import type { EventCodec } from './batch-processor.js';
import { ValidationError, type InboundEvent } from './types.js';

/**
 * The runtime's codec: decodes any registered writer schema by id, and encodes the events the
 * services emit with the ids registered for their topic's subject. Nothing is auto-registered.
 */
export async function checkoutEventCodec(client: RegistryClient, contractsDir: string): Promise<EventCodec> {
  // The services encode Avro: a folder's JSON Schema and Protobuf contracts are for the gate only.
  const contracts = (await loadContracts(contractsDir)).filter(isAvroContract);
  const writers = new Map<string, { id: number; type: avro.Type }>();
  await Promise.all(
    contracts.map(async (c: Contract) => {
      const registered = await resolveRegisteredSchema(client, subjectName(c.strategy, c.topic, c.recordName));
      writers.set(`${c.topic}/${c.recordName.split('.').pop()}`, registered);
    }),
  );
  const cache = new SchemaCache(client);
  // Outputs are framed back to back into shared slabs: they live until their batch is sent.
  const frames = new FrameWriter();
  return {
    async decode(buffer) {
      const { value } = await decodeFramed(buffer, cache.lookup);
      const v = value as InboundEvent['value'] & { envelope?: { event_type?: string } };
      if (!v?.envelope?.event_id || !v.envelope.event_type) throw new ValidationError('record has no event envelope (event_id, event_type)');
      return { eventType: v.envelope.event_type, value: v };
    },
    encode(topic, eventType, value) {
      const w = writers.get(`${topic}/${eventType}`);
      if (!w) throw new Error(`no registered contract for ${eventType} on ${topic}`);
      return frames.write(w.type, w.id, value);
    },
  };
}
