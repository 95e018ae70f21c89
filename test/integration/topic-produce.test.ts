import avro from 'avsc';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/dev/processes.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import type { ConsumedRecord } from '../../src/kafka/record-reader.js';
import { type CliRun, killSpawnedClis, runCli, spawnCli, testConnection, testEnv, uniqueName } from './helpers.js';

/*
 * `topic produce` on the real stack: JSON lines encoded as Avro under the subjects the
 * registry holds for the topic's naming strategy, read back equal by `topic consume` and by
 * an independent avsc decoder; invalid lines refused by line and field path with nothing after
 * them sent (or skipped); Ctrl-C; and the bad inputs an operator types.
 */

const env = testEnv();
const orderCreated = avro.Type.forSchema(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/checkout/order-created.avsc'), 'utf8')));

type Line = { partition: number; offset: number; key: unknown; value: any; valueFormat: string; valueSchemaId?: number; headers: Record<string, unknown>; timestamp: number };
const lines = (stdout: string): Line[] => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** bin/streamflow with `input` on stdin, as a pipe runs it. */
async function produce(args: string[], input: string): Promise<CliRun> {
  const t0 = Date.now();
  const run = spawnCli(['topic', 'produce', ...args], env, { stdin: 'pipe' });
  run.child.stdin!.end(input);
  const code = (await run.exited) ?? -1;
  return { code, stdout: run.stdout(), stderr: run.stderr(), ms: Date.now() - t0 };
}

async function consume(topic: string): Promise<Line[]> {
  const run = await runCli(['topic', 'consume', topic], env);
  expect(run.code, run.stderr).toBe(0);
  return lines(run.stdout);
}

async function topicWithOrderSubjects(prefix: string): Promise<string> {
  const topic = uniqueName(prefix);
  expect((await runCli(['topic', 'create', topic, '--partitions', '3'], env)).code).toBe(0);
  // Registers the order contracts under <topic>-<record name> (TopicRecordNameStrategy).
  expect((await runCli(['schema', 'register', '--dir', 'schemas/checkout', '--topic', topic], env)).code).toBe(0);
  return topic;
}

let source = '';
let generated: Line[] = [];

beforeAll(async () => {
  source = await topicWithOrderSubjects('produce.source');
  const run = await runCli(['produce', 'checkout', '--topic', source, '--count', '40', '--seed', '7', '--rate', 'max', '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  generated = await consume(source);
  expect(generated).toHaveLength(40);
}, 120_000);

afterEach(killSpawnedClis);

/** A hand-written order line: the generator's first OrderCreated with another order id. */
function orderLine(orderId: string, extra: Record<string, unknown> = {}): string {
  const created = generated.find((r) => r.value.envelope.event_type === 'OrderCreated')!;
  return JSON.stringify({ key: orderId, value: { ...created.value, order_id: orderId }, headers: { source: 'test' }, ...extra });
}

describe('topic produce', () => {
  it("copies a topic: consume's lines written back read equal, each type under its own subject, keys on their partitions", async () => {
    const target = await topicWithOrderSubjects('produce.copy');
    const copied = await produce([target], generated.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(copied.code, copied.stderr).toBe(0);
    const summary = JSON.parse((await produce([target, '--validate-only', '--json'], generated.map((r) => JSON.stringify(r)).join('\n'))).stdout);
    expect(summary).toMatchObject({ valid: 40, sent: 0, validateOnly: true });
    const subjects = summary.schemas.map((s: { subject: string }) => s.subject).sort();
    expect(subjects).toEqual([`${target}-com.streamflow.checkout.OrderCancelled`, `${target}-com.streamflow.checkout.OrderCreated`]);

    const back = await consume(target);
    const strip = (r: Line) => ({ partition: r.partition, offset: r.offset, key: r.key, value: r.value, headers: r.headers });
    expect(back.map(strip).sort(byPosition)).toEqual(generated.map(strip).sort(byPosition));
    // kafkajs' decoding and avsc with the contract file agree with what was written.
    const raw = await withClusterSession(testConnection(), async (session) => {
      const out: ConsumedRecord[] = [];
      for (const partition of [0, 1, 2]) out.push(...(await session.records.read(target, partition, 0n, { maxRecords: 100 })).records);
      return out;
    });
    const created = raw.filter((r) => r.headers.some((h) => h.key === 'event_type' && h.value?.toString() === 'OrderCreated'));
    expect(created.length).toBeGreaterThan(30);
    const byPlace = new Map(generated.map((r) => [`${r.partition}/${r.offset}`, r.value]));
    for (const r of created) {
      expect(r.value![0]).toBe(0);
      expect(summary.schemas.find((x: { subject: string }) => x.subject.endsWith('OrderCreated')).id).toBe(r.value!.readInt32BE(1));
      expect(JSON.parse(JSON.stringify(orderCreated.fromBuffer(r.value!.subarray(5))))).toEqual(byPlace.get(`${r.partition}/${r.offset}`));
    }
  });

  it('refuses an invalid line with its number and field path and sends nothing after it; --skip-invalid sends the rest', async () => {
    const target = await topicWithOrderSubjects('produce.invalid');
    const input = [orderLine('o-1'), orderLine('o-2'), orderLine('o-3').replace(/"total_minor":\d+/, '"total_minor":"many"'), orderLine('o-4'), orderLine('o-5')].join('\n');
    const stopped = await produce([target, '--json'], input);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/refused line 3: value\.total_minor: expected long, got "many"/);
    expect(stopped.stderr).toContain('nothing after it was sent');
    expect(JSON.parse(stopped.stdout)).toMatchObject({ sent: 2, stoppedAtLine: 3, refused: [{ line: 3, path: 'value.total_minor' }] });
    expect((await consume(target)).map((r) => r.key).sort()).toEqual(['o-1', 'o-2']);

    const skipped = await produce([target, '--skip-invalid'], input);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/refused line 3: value\.total_minor/);
    expect(skipped.stdout).toContain('Sent 4 record(s)');
    const all = await consume(target);
    expect(all.map((r) => r.key).sort()).toEqual(['o-1', 'o-1', 'o-2', 'o-2', 'o-4', 'o-5']);
    // Each Avro value decodes with the contract's schema, as any Confluent consumer would.
    for (const r of all) expect(r.valueFormat).toBe('avro');
    expect(orderCreated.isValid(all[0]!.value)).toBe(true);
    expect(all[0]!.headers).toEqual({ source: 'test' });
  });

  it('sends --value with a key, headers and a partition, text and JSON values, and a tombstone', async () => {
    const topic = uniqueName('produce.plain');
    expect((await runCli(['topic', 'create', topic, '--partitions', '2'], env)).code).toBe(0);
    const one = await produce([topic, '--value', 'hello', '--value-format', 'text', '--key', 'k', '--header', 'a=1', '--partition', '1'], '');
    expect(one.code, one.stderr).toBe(0);
    const many = await produce([topic, '--lines', 'value', '--value-format', 'json', '--key', 'j'], '{"n":1}\n{"n":2}\n');
    expect(many.code, many.stderr).toBe(0);
    const tomb = await produce([topic], '{"key":"k","value":null,"partition":1}\n');
    expect(tomb.code, tomb.stderr).toBe(0);
    const read = await consume(topic);
    expect(read.filter((r) => r.partition === 1).map((r) => [r.key, r.value, r.valueFormat])).toEqual(expect.arrayContaining([['k', 'hello', 'text'], ['k', null, null]]));
    expect(read.find((r) => r.value === 'hello')!.headers).toEqual({ a: '1' });
    expect(read.filter((r) => r.key === 'j').map((r) => r.value)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('Ctrl-C sends what it read and says so (exit 130)', async () => {
    const topic = uniqueName('produce.interrupt');
    expect((await runCli(['topic', 'create', topic, '--partitions', '1'], env)).code).toBe(0);
    const run = spawnCli(['topic', 'produce', topic, '--value-format', 'text', '--lines', 'value'], env, { stdin: 'pipe' });
    run.child.stdin!.write('first\nsecond\n');
    // Both lines are out before the stop: the stop must not lose or repeat them.
    expect(await waitFor(async () => (await consume(topic)).length === 2, 20_000, 200), run.output()).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(130);
    expect(run.stdout()).toContain('Sent 2 record(s)');
    expect((await consume(topic)).map((r) => r.value)).toEqual(['first', 'second']);
  });

  it('bad input: a missing topic, an unknown subject, a malformed line, a wrong version', async () => {
    const missing = await produce([uniqueName('produce.nope'), '--value', '{}'], '');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/topic "produce\.nope[^"]*" does not exist/);
    const topic = uniqueName('produce.nosubject');
    expect((await runCli(['topic', 'create', topic, '--partitions', '1'], env)).code).toBe(0);
    const unknown = await produce([topic, '--value', '{"a":1}'], '');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`subject ${topic}-value has no registered schema; producers do not auto-register`);
    // Mid-run, the summary still says what was sent before the line that failed.
    const midRun = await produce([topic, '--json'], ['{"key":"a","value":"1","valueFormat":"text"}', '{"key":"b","value":{"a":1}}', '{"key":"c","value":"3","valueFormat":"text"}'].join('\n') + '\n');
    expect(midRun.code).toBe(2);
    expect(JSON.parse(midRun.stdout)).toMatchObject({ sent: 1, partitions: { 0: 1 }, failure: { line: 2, inDoubt: 0, message: expect.stringContaining('has no registered schema') } });
    expect(midRun.stderr).toContain('producers do not auto-register');
    expect((await consume(topic)).map((r) => r.value)).toEqual(['1']);
    const malformed = await produce([source, '--json'], `${orderLine('o-1')}\n{"key":"o-2","value":\n`);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/refused line 2: not JSON/);
    const version = await produce([source, '--record', 'OrderCreated', '--schema-version', '9', '--validate-only'], orderLine('o-1'));
    expect(version.code).toBe(2);
    expect(version.stderr).toMatch(/has no version 9/);
    expect((await consume(source)).length).toBe(41);
  });
});

function byPosition(a: { partition: number; offset: number }, b: { partition: number; offset: number }): number {
  return a.partition - b.partition || a.offset - b.offset;
}
