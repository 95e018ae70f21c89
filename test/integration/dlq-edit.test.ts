import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import avro from 'avsc';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../src/dlq/audit-log.js';
import { STREAMFLOW, encodeDeadLetterHeaders } from '../../src/dlq/dlq-headers.js';
import { createKafka } from '../../src/kafka/client.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import type { ConsumedRecord } from '../../src/kafka/record-reader.js';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { runCli, testConnection, testEnv, uniqueName } from './helpers.js';

// What the payment service consumes from checkout.orders, registered as the generator does (TopicRecordNameStrategy).
const SCHEMA_TEXT = JSON.stringify(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/checkout/order-created.avsc'), 'utf8')));
// An independent reader: avsc straight from the registered schema, not streamflow's decoder.
const reader = avro.Type.forSchema(JSON.parse(SCHEMA_TEXT));
const ORDER = {
  envelope: { event_id: '7f1c0c8e-0000-4000-8000-00000000e001', event_type: 'OrderCreated', occurred_at: Date.UTC(2024, 4, 1), correlation_id: 'o-edit-1', causation_id: null, producer: 'checkout-service' },
  order_id: '7f1c0c8e-0000-4000-8000-00000000e002',
  user_id: 'u-1',
  items: [{ sku: 'SKU-1', quantity: 2, unit_price_minor: 500 }],
  total_minor: -1000, // what the payment service refused
  currency: 'EUR',
  shipping_address: { name: 'Ada', line1: '1 Main St', line2: null, city: 'Paris', postal_code: '75001', country: 'FR' },
};

let origin = '';
let other = '';
let dlq = '';
let schemaId = 0;

function frame(id: number, value: unknown): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, reader.toBuffer(value)]);
}

function deadLetterHeaders(errorClass: string): Record<string, Buffer> {
  return encodeDeadLetterHeaders({
    originalTopic: origin,
    originalPartition: 1,
    originalOffset: '42',
    originalTimestamp: String(Date.now() - 60_000),
    consumerGroup: 'payment-service',
    errorClass,
    errorMessage: `${errorClass}: total_minor must be positive`,
    stack: `${errorClass}\n    at pay (payment.ts:1)`,
    service: 'payment',
    attempts: 1,
    firstFailure: new Date().toISOString(),
    lastFailure: new Date().toISOString(),
  });
}

async function readAll(topic: string): Promise<ConsumedRecord[]> {
  return withClusterSession(testConnection(), async (s) => {
    const partitions = (await s.offsets.partitions([topic])).get(topic)!;
    const out: ConsumedRecord[] = [];
    for (const r of await s.offsets.ranges(partitions.map((partition) => ({ topic, partition })))) {
      out.push(...(await s.records.read(topic, r.partition, r.earliest, { maxRecords: 1000, untilOffset: r.latest })).records);
    }
    return out;
  });
}

const edit = (args: string[], env = testEnv()) => runCli(['dlq', 'edit', dlq, '--partition', '0', ...args], env);
const header = (r: ConsumedRecord, name: string) => r.headers.find((h) => h.key === name)?.value?.toString();

beforeAll(async () => {
  origin = uniqueName('edit.orders');
  other = uniqueName('edit.fixed');
  dlq = `${origin}.dlq`;
  const registry = new RegistryClient(testConnection().registry!);
  schemaId = (await registry.register(`${origin}-com.streamflow.checkout.OrderCreated`, SCHEMA_TEXT)).id;
  await registry.register(`${other}-value`, SCHEMA_TEXT);
  const kafka = createKafka(testConnection());
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({
    topics: [origin, other, dlq].map((topic) => ({ topic, numPartitions: topic === dlq ? 1 : 3, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  await producer.send({
    topic: dlq,
    acks: -1,
    messages: [
      { key: ORDER.order_id, value: frame(schemaId, ORDER), headers: { event_id: ORDER.envelope.event_id, ...deadLetterHeaders('com.streamflow.ValidationError') } },
      { key: 'o-bad', value: Buffer.from('not avro'), headers: deadLetterHeaders('com.streamflow.BadMagicByteError') },
    ],
  });
  await Promise.all([admin.disconnect(), producer.disconnect()]);
});

describe('dlq edit', () => {
  it('dry run: shows the change and the schema it would encode with, sends nothing', async () => {
    const human = await edit(['--offset', '0', '--set', 'total_minor=1000']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`Edit of ${dlq}/0/0 -> ${origin} (subject ${origin}-com.streamflow.checkout.OrderCreated, schema id ${schemaId})`);
    expect(human.stdout).toContain('total_minor: -1000 -> 1000');
    expect(human.stdout).toContain('Dry run: nothing was sent');

    const json = await edit(['--offset', '0', '--set', 'total_minor=1000', '--set', 'items.0.sku=SKU-9', '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      editId: null,
      dlq,
      partition: 0,
      offset: '0',
      target: origin,
      subject: `${origin}-com.streamflow.checkout.OrderCreated`,
      schemaId,
      executed: false,
      changes: [
        { path: 'items.0.sku', from: 'SKU-1', to: 'SKU-9' },
        { path: 'total_minor', from: -1000, to: 1000 },
      ],
    });
    expect(await readAll(origin)).toHaveLength(0);
  });

  it('--execute: sends the corrected record with its key, own headers and provenance, and audits it', async () => {
    const run = await edit(['--offset', '0', '--set', 'total_minor=1000', '--execute', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ executed: true, target: origin, schemaId, changes: [{ path: 'total_minor', from: -1000, to: 1000 }] });
    expect(result.editId).toMatch(/^[0-9a-f]{16}$/);

    const sent = await readAll(origin);
    expect(sent).toHaveLength(1);
    const r = sent[0]!;
    expect(r.key?.toString()).toBe(ORDER.order_id);
    expect(r.value![0]).toBe(0);
    expect(r.value!.readInt32BE(1)).toBe(schemaId);
    expect(reader.fromBuffer(r.value!.subarray(5))).toEqual({ ...ORDER, total_minor: 1000 });
    expect(header(r, 'event_id')).toBe(ORDER.envelope.event_id);
    expect(header(r, STREAMFLOW.editId)).toBe(result.editId);
    expect(header(r, STREAMFLOW.editedFrom)).toBe(`${dlq}/0/0`);
    expect(header(r, STREAMFLOW.editedBy)).toMatch(/.+@.+/);
    expect(r.headers.filter((h) => h.key.startsWith('kafka_dlt-') || h.key === STREAMFLOW.service)).toEqual([]);

    const audit = await withClusterSession(testConnection(), (s) => readAudit(s, { dlq }));
    expect(audit).toEqual([expect.objectContaining({ action: 'edit', editId: result.editId, dlq, target: origin, outcome: 'sent', counts: { sent: 1 } })]);
  });

  it('--editor --to: edits the whole value as JSON and encodes for the other topic\'s subject', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlq-edit-test-'));
    const script = path.join(dir, 'editor.cjs');
    fs.writeFileSync(script, "const fs = require('fs'); const f = process.argv[2]; const v = JSON.parse(fs.readFileSync(f, 'utf8')); v.currency = 'USD'; fs.writeFileSync(f, JSON.stringify(v));\n");
    const run = await edit(['--offset', '0', '--editor', '--to', other, '--json'], testEnv({ VISUAL: '', EDITOR: `${process.execPath} ${script}` }));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ target: other, subject: `${other}-value`, executed: false, changes: [{ path: 'currency', from: 'EUR', to: 'USD' }] });
  });

  it('refuses an unknown field, a wrong type, a record that does not decode and a missing record; sends nothing', async () => {
    const sentBefore = (await readAll(origin)).length;
    const unknown = await edit(['--offset', '0', '--set', 'shipping_address.zip=75001', '--execute']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown field shipping_address.zip');

    const wrongType = await edit(['--offset', '0', '--set', 'total_minor=lots', '--execute']);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain('total_minor: expected long, got "lots"');

    const undecodable = await edit(['--offset', '1', '--set', 'total_minor=1', '--execute']);
    expect(undecodable.code).toBe(2);
    expect(undecodable.stderr).toContain(`cannot edit ${dlq}/0/1: its value does not decode: bad magic byte`);

    const missing = await edit(['--offset', '99', '--set', 'total_minor=1', '--execute']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no record at ${dlq}/0/99: the partition holds offsets 0 to 1`);

    expect(await readAll(origin)).toHaveLength(sentBefore);
    expect(await readAll(other)).toHaveLength(0);
  });
});

describe('dlq edit of a real poison record, applied by the payment service', () => {
  const env = testEnv();

  beforeAll(async () => {
    expect((await runCli(['topology', 'apply', '--execute'], env)).code).toBe(0);
    const reg = await runCli(['schema', 'register', '--dir', 'schemas/checkout'], env);
    expect(reg.code, reg.stderr).toBe(0);
  });

  it('the corrected ValidationError order is applied once and verify counts it as repaired', async () => {
    // Every fourth poison record is valid Avro with a negative total and unit price (invalid-business).
    // A fresh seed: a seed's event ids repeat, and a stack reused within the dedup window would
    // take a rerun's events as duplicates of the last run's.
    const seed = String(Date.now() % 1_000_000_000);
    const produce = await runCli(['produce', 'checkout', '--count', '300', '--poison', '0.05', '--rate', 'max', '--seed', seed, '--json'], env);
    expect(produce.code, produce.stderr).toBe(0);
    const { runId } = JSON.parse(produce.stdout) as { runId: string };
    const drain = async () => {
      const run = await runCli(['consume', '--service', 'all', '--until-idle', '6s', '--json'], env);
      expect(run.code, run.stderr).toBe(0);
    };
    await drain();

    const browsed = await runCli(['dlq', 'browse', 'checkout.payment.dlq', '--filter', `header.run_id=${runId}`, '--filter', 'class=ValidationError', '--json'], env);
    const dead = (JSON.parse(browsed.stdout) as { records: Array<{ partition: number; offset: string; value: { total_minor: number; items: Array<{ quantity: number; unit_price_minor: number }> } }> }).records[0];
    expect(dead, browsed.stdout).toBeDefined();
    const price = Math.abs(dead!.value.items[0]!.unit_price_minor);
    const total = dead!.value.items.reduce((sum, item, i) => sum + item.quantity * (i === 0 ? price : item.unit_price_minor), 0);
    const edited = await runCli(['dlq', 'edit', 'checkout.payment.dlq', '--partition', String(dead!.partition), '--offset', dead!.offset, '--set', `total_minor=${total}`, '--set', `items.0.unit_price_minor=${price}`, '--execute', '--json'], env);
    expect(edited.code, edited.stderr).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ executed: true, target: 'checkout.orders' });
    await drain();

    const verify = await runCli(['verify', '--run', runId, '--json'], env);
    const report = JSON.parse(verify.stdout) as { ok: boolean; dlq: { repaired: number; poisonFound: number; poisonExpected: number; unexpected: number } };
    expect(report.dlq, verify.stdout).toMatchObject({ repaired: 1, unexpected: 0 });
    expect(report.dlq.poisonFound).toBe(report.dlq.poisonExpected);
    expect(report.ok, verify.stdout).toBe(true);
  }, 120_000);
});
