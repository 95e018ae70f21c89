import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { loadContracts, subjectName } from '../../../src/schema/contracts.js';

const CHECKOUT = path.resolve('schemas/checkout');

async function contractsDir(manifest: string, files: Record<string, unknown> = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-contracts-'));
  await fs.writeFile(path.join(dir, 'contracts.yaml'), manifest);
  for (const [name, content] of Object.entries(files)) {
    await fs.writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const record = (name: string, namespace = 'com.example') => ({ type: 'record', name, namespace, fields: [{ name: 'id', type: 'string' }] });

describe('subjectName', () => {
  it('follows the three Confluent strategies', () => {
    expect(subjectName('TopicNameStrategy', 'checkout.shipments', 'com.x.Shipment')).toBe('checkout.shipments-value');
    expect(subjectName('TopicRecordNameStrategy', 'checkout.orders', 'com.x.OrderCreated')).toBe('checkout.orders-com.x.OrderCreated');
    expect(subjectName('RecordNameStrategy', 'checkout.orders', 'com.x.OrderCreated')).toBe('com.x.OrderCreated');
  });
});

describe('loadContracts on schemas/checkout', () => {
  it('loads the 8 checkout contracts with their subjects', async () => {
    const contracts = await loadContracts(CHECKOUT);
    expect(contracts.map((c) => [c.file, c.subject])).toEqual([
      ['order-created.avsc', 'checkout.orders-com.streamflow.checkout.OrderCreated'],
      ['order-cancelled.avsc', 'checkout.orders-com.streamflow.checkout.OrderCancelled'],
      ['payment-authorized.avsc', 'checkout.payments-com.streamflow.checkout.PaymentAuthorized'],
      ['payment-failed.avsc', 'checkout.payments-com.streamflow.checkout.PaymentFailed'],
      ['inventory-reserved.avsc', 'checkout.inventory-com.streamflow.checkout.InventoryReserved'],
      ['inventory-released.avsc', 'checkout.inventory-com.streamflow.checkout.InventoryReleased'],
      ['shipment-scheduled.avsc', 'checkout.shipments-value'],
      ['notification-sent.avsc', 'checkout.notifications-value'],
    ]);
    expect(contracts.every((c) => c.schema.path === path.join(CHECKOUT, c.file))).toBe(true);
  });

  it('inlines an identical EventEnvelope as the first field of every contract', async () => {
    const contracts = await loadContracts(CHECKOUT);
    const envelopes = await Promise.all(
      contracts.map(async (c) => {
        const schema = JSON.parse(await fs.readFile(c.schema.path, 'utf8')) as { fields: Array<{ name: string; type: unknown }> };
        expect(schema.fields[0]?.name, c.file).toBe('envelope');
        return schema.fields[0]?.type;
      }),
    );
    expect((envelopes[0] as { name: string }).name).toBe('EventEnvelope');
    for (const [i, envelope] of envelopes.entries()) expect(envelope, contracts[i]!.file).toEqual(envelopes[0]);
  });

  it('sends compact JSON that keeps every field of the file', async () => {
    const [first] = await loadContracts(CHECKOUT);
    expect(first!.schema.text).not.toMatch(/\s{2}|\n/);
    expect(JSON.parse(first!.schema.text)).toEqual(JSON.parse(await fs.readFile(first!.schema.path, 'utf8')));
  });
});

describe('loadContracts rejects bad input with exit 2, naming where', () => {
  const reject = async (dir: string) => {
    const err = await loadContracts(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    return (err as UsageError).message;
  };

  it('names the key path of a manifest error', async () => {
    const dir = await contractsDir('contracts:\n  - { file: a.avsc, topic: t, strategy: TopicNameStrategy }\n  - { file: b.avsc, topic: t, strategy: TopicNamStrategy }\n');
    expect(await reject(dir)).toMatch(/contracts\.yaml: contracts\.1\.strategy: /);
  });

  it('names unknown keys and bad topic names', async () => {
    expect(await reject(await contractsDir('contracts:\n  - { file: a.avsc, topic: "bad topic", strategy: TopicNameStrategy }\n'))).toContain('contracts.0.topic');
    expect(await reject(await contractsDir('contract: []\n'))).toMatch(/Unrecognized key|contracts: Required/);
  });

  it('names a schema file that is not valid Avro', async () => {
    const dir = await contractsDir('contracts:\n  - { file: a.avsc, topic: t, strategy: TopicNameStrategy }\n', {
      'a.avsc': { type: 'record', name: 'A', fields: [{ name: 'x', type: 'strin' }] },
    });
    expect(await reject(dir)).toMatch(/a\.avsc: not a valid Avro schema: .*strin/);
  });

  it('names a missing schema file', async () => {
    const dir = await contractsDir('contracts:\n  - { file: gone.avsc, topic: t, strategy: TopicNameStrategy }\n');
    expect(await reject(dir)).toMatch(/gone\.avsc does not exist/);
  });

  it('refuses two contracts on one subject', async () => {
    const dir = await contractsDir('contracts:\n  - { file: a.avsc, topic: t, strategy: TopicNameStrategy }\n  - { file: b.avsc, topic: t, strategy: TopicNameStrategy }\n', {
      'a.avsc': record('A'),
      'b.avsc': record('B'),
    });
    expect(await reject(dir)).toMatch(/contracts\.1 \(b\.avsc\) has the same subject t-value as a\.avsc/);
  });

  it('refuses a record outside the manifest namespace, and a non-record contract', async () => {
    const files = { 'a.avsc': record('A', 'org.other'), 'p.avsc': '"string"' };
    expect(await reject(await contractsDir('namespace: com.example\ncontracts:\n  - { file: a.avsc, topic: t, strategy: TopicNameStrategy }\n', files))).toMatch(
      /record org\.other\.A is not in the manifest's namespace com\.example/,
    );
    expect(await reject(await contractsDir('contracts:\n  - { file: p.avsc, topic: t, strategy: TopicNameStrategy }\n', files))).toMatch(/must be an Avro record/);
  });

  it('says when the folder has no manifest', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-contracts-'));
    expect(await reject(dir)).toMatch(/contracts\.yaml does not exist/);
  });
});
