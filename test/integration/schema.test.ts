import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../src/schema/compatibility/index.js';
import { loadContracts } from '../../src/schema/contracts.js';
import { SchemaCache, resolveRegisteredSchema } from '../../src/schema/registered-schema.js';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { UnknownSchemaIdError, decodeFramed, encodeWithSchemaId } from '../../src/schema/wire-format.js';
import { runCli, testConnection, uniqueName } from './helpers.js';

const registry = () => new RegistryClient(testConnection().registry!);

const record = (fields: unknown[]) => ({ type: 'record', name: 'Payment', namespace: 'com.streamflow.test', fields });
const V1 = record([{ name: 'id', type: 'string' }, { name: 'amount', type: 'long' }]);
const V2 = record([{ name: 'id', type: 'string' }, { name: 'amount', type: 'long' }, { name: 'note', type: ['null', 'string'], default: null }]);
/** Adds a field without a default: new readers cannot read old data (not BACKWARD). */
const NEEDS_CURRENCY = record([{ name: 'id', type: 'string' }, { name: 'amount', type: 'long' }, { name: 'currency', type: 'string' }]);
/** Drops `amount`: fine for BACKWARD, but old readers need it (not FORWARD, so not FULL). */
const DROPS_AMOUNT = record([{ name: 'id', type: 'string' }]);

async function schemaFile(schema: unknown, name = 'schema.avsc'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-schema-'));
  const file = path.join(dir, name);
  await fs.writeFile(file, JSON.stringify(schema, null, 2));
  return file;
}

async function cliJson(args: string[]) {
  const run = await runCli([...args, '--json']);
  return { ...run, doc: run.stdout ? JSON.parse(run.stdout) : undefined };
}

/** A copy of schemas/checkout whose topics carry a unique prefix, so its subjects are this test's own. */
async function uniqueContracts(): Promise<{ dir: string; prefix: string }> {
  const prefix = uniqueName('t');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-contracts-'));
  await fs.cp(path.resolve('schemas/checkout'), dir, { recursive: true });
  const manifest = await fs.readFile(path.join(dir, 'contracts.yaml'), 'utf8');
  await fs.writeFile(path.join(dir, 'contracts.yaml'), manifest.replace(/topic: checkout\./g, `topic: ${prefix}.checkout.`));
  return { dir, prefix };
}

describe('schema register / get / list against the registry', () => {
  it('registers, and re-registering the same schema keeps its id and adds no version', async () => {
    const subject = uniqueName('payments-value');
    const file = await schemaFile(V1);
    const first = await cliJson(['schema', 'register', '--subject', subject, '--schema', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.doc.results).toEqual([{ subject, file, status: 'registered', id: expect.any(Number), version: 1, messages: [] }]);

    // Reformatted, same schema: still unchanged (we send whitespace-free JSON; Apicurio compares text).
    await fs.writeFile(file, JSON.stringify(V1));
    const again = await cliJson(['schema', 'register', '--subject', subject, '--schema', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.doc.results[0]).toMatchObject({ status: 'unchanged', id: first.doc.results[0].id, version: 1 });
    expect(await registry().listVersions(subject)).toEqual([1]);

    const get = await cliJson(['schema', 'get', '--subject', subject]);
    expect(get.doc).toEqual({ subject, version: 1, id: first.doc.results[0].id, schemaType: 'AVRO', schema: V1, references: [] });
    const byId = await cliJson(['schema', 'get', '--id', String(first.doc.results[0].id)]);
    expect(byId.doc.schema).toEqual(V1);
    expect(byId.doc.usedBy).toContainEqual({ subject, version: 1 });

    const list = await cliJson(['schema', 'list']);
    expect(list.doc.subjects).toContainEqual({ subject, version: 1, id: first.doc.results[0].id, compatibility: 'BACKWARD' });
  });

  it('refuses an incompatible schema with the registry reason (409), exit 1, and registers a compatible one', async () => {
    const subject = uniqueName('payments-value');
    expect((await runCli(['schema', 'register', '--subject', subject, '--schema', await schemaFile(V1)])).code).toBe(0);
    const refused = await cliJson(['schema', 'register', '--subject', subject, '--schema', await schemaFile(NEEDS_CURRENCY)]);
    expect(refused.code).toBe(1);
    expect(refused.doc.results[0]).toMatchObject({ status: 'incompatible', id: null, version: null });
    expect(refused.doc.results[0].messages.join(' ')).toMatch(/currency/);
    expect(refused.stderr).toContain('refused 1 incompatible schema');
    expect(await registry().listVersions(subject)).toEqual([1]);

    const ok = await cliJson(['schema', 'register', '--subject', subject, '--schema', await schemaFile(V2)]);
    expect(ok.doc.results[0]).toMatchObject({ status: 'registered', version: 2 });
  });

  it('registers every contract of a folder in one go, and a second run changes nothing', async () => {
    const { dir, prefix } = await uniqueContracts();
    const first = await cliJson(['schema', 'register', '--dir', dir]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.doc.results).toHaveLength(8);
    expect(first.doc.results.every((r: { status: string; version: number }) => r.status === 'registered' && r.version === 1)).toBe(true);
    expect(first.doc.results.map((r: { subject: string }) => r.subject)).toContain(`${prefix}.checkout.orders-com.streamflow.checkout.OrderCreated`);
    expect(first.doc.results.map((r: { subject: string }) => r.subject)).toContain(`${prefix}.checkout.shipments-value`);

    const second = await cliJson(['schema', 'register', '--dir', dir]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.doc.results).toEqual(first.doc.results.map((r: object) => ({ ...r, status: 'unchanged' })));
    const client = registry();
    for (const r of second.doc.results) expect(await client.listVersions(r.subject)).toEqual([1]);
  });
});

describe('schema check against the registry', () => {
  it("checks at the subject's level with the registry and explains a refusal, exit 1", async () => {
    const subject = uniqueName('payments-value');
    expect((await runCli(['schema', 'register', '--subject', subject, '--schema', await schemaFile(V1)])).code).toBe(0);
    const bad = await cliJson(['schema', 'check', '--subject', subject, '--schema', await schemaFile(NEEDS_CURRENCY)]);
    expect(bad.code).toBe(1);
    expect(bad.doc).toMatchObject({ compatible: false, level: 'BACKWARD' });
    expect(bad.doc.checks[0]).toMatchObject({ checkedBy: 'registry', status: 'incompatible' });
    expect(bad.doc.messages).toEqual([expect.stringMatching(/new schema cannot read version 1: .*currency/)]);

    const good = await cliJson(['schema', 'check', '--subject', subject, '--schema', await schemaFile(V2)]);
    expect(good.code).toBe(0);
    expect(good.doc).toMatchObject({ compatible: true, level: 'BACKWARD', messages: [] });
  });

  it('checks at another --level offline, with the subject versions from the registry', async () => {
    const subject = uniqueName('payments-value');
    expect((await runCli(['schema', 'register', '--subject', subject, '--schema', await schemaFile(V1)])).code).toBe(0);
    const drop = await schemaFile(DROPS_AMOUNT);
    expect((await cliJson(['schema', 'check', '--subject', subject, '--schema', drop])).doc).toMatchObject({ compatible: true, checks: [{ checkedBy: 'registry' }] });
    const forward = await cliJson(['schema', 'check', '--subject', subject, '--schema', drop, '--level', 'FORWARD']);
    expect(forward.code).toBe(1);
    expect(forward.doc).toMatchObject({ compatible: false, level: 'FORWARD', checks: [{ checkedBy: 'offline' }] });
    expect(forward.doc.messages[0]).toMatch(/version 1 cannot read new schema: .*amount/);
  });

  it('uses every version for transitive levels (the registry, not just the latest)', async () => {
    const subject = uniqueName('payments-value');
    const client = registry();
    await client.register(subject, JSON.stringify(record([{ name: 'id', type: 'string' }])));
    await client.register(subject, JSON.stringify(record([{ name: 'id', type: 'string' }, { name: 'amount', type: 'long', default: 0 }])));
    // Readable from version 2 (which has amount), not from version 1.
    const needsAmount = await schemaFile(record([{ name: 'amount', type: 'long' }]));
    expect((await cliJson(['schema', 'check', '--subject', subject, '--schema', needsAmount])).doc.compatible).toBe(true);
    await client.setCompatibility('BACKWARD_TRANSITIVE', subject);
    const transitive = await cliJson(['schema', 'check', '--subject', subject, '--schema', needsAmount]);
    expect(transitive.doc).toMatchObject({ compatible: false, level: 'BACKWARD_TRANSITIVE', checks: [{ checkedBy: 'registry' }] });
    expect(transitive.doc.messages).toEqual([expect.stringMatching(/new schema cannot read version 1: .*amount/)]);
  });

  it('passes a schema for a subject that does not exist yet', async () => {
    const run = await cliJson(['schema', 'check', '--subject', uniqueName('fresh-value'), '--schema', await schemaFile(V1)]);
    expect(run.code).toBe(0);
    expect(run.doc).toMatchObject({ compatible: true, level: 'BACKWARD', checks: [{ status: 'new' }] });
  });

  it('checks a contracts folder, subject by subject, with JUnit output', async () => {
    const { dir } = await uniqueContracts();
    expect((await runCli(['schema', 'register', '--dir', dir])).code).toBe(0);
    const clean = await cliJson(['schema', 'check', '--dir', dir]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.doc.checks).toHaveLength(8);

    const file = path.join(dir, 'payment-failed.avsc');
    const schema = JSON.parse(await fs.readFile(file, 'utf8'));
    schema.fields.push({ name: 'decline_code', type: 'string' });
    await fs.writeFile(file, JSON.stringify(schema));
    const junit = await runCli(['schema', 'check', '--dir', dir, '--format', 'junit']);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('<testsuite name="streamflow schema check (BACKWARD)" tests="8" failures="1"');
    expect(junit.stdout).toMatch(/<testcase classname="[^"]+PaymentFailed" name="[^"]+payment-failed\.avsc" file="[^"]+">\n\s+<failure message="not BACKWARD compatible" type="IncompatibleSchema">[^<]+payment-failed\.avsc:\d+:\d+: new schema cannot read version 1: [^<]*decline_code/);
  });
});

describe('schema config and delete', () => {
  it('changes the level of one subject only; the registry then enforces it', async () => {
    const subject = uniqueName('payments-value');
    expect((await runCli(['schema', 'register', '--subject', subject, '--schema', await schemaFile(V1)])).code).toBe(0);
    expect((await cliJson(['schema', 'config', '--subject', subject])).doc).toEqual({ subject, compatibility: 'BACKWARD' });
    const set = await cliJson(['schema', 'config', '--subject', subject, '--set', 'FULL']);
    expect(set.doc).toEqual({ subject, compatibility: 'FULL', previous: 'BACKWARD' });
    expect((await cliJson(['schema', 'config'])).doc).toEqual({ subject: null, compatibility: 'BACKWARD' });

    const drop = await schemaFile(DROPS_AMOUNT);
    const check = await cliJson(['schema', 'check', '--subject', subject, '--schema', drop]);
    expect(check.doc).toMatchObject({ compatible: false, level: 'FULL', checks: [{ checkedBy: 'registry' }] });
    expect((await cliJson(['schema', 'register', '--subject', subject, '--schema', drop])).code).toBe(1);
    await registry().setCompatibility('BACKWARD', subject);
    expect((await cliJson(['schema', 'register', '--subject', subject, '--schema', drop])).doc.results[0]).toMatchObject({ status: 'registered', version: 2 });
  });

  it('reads the level back after setting it: Apicurio cannot set NONE on one subject', async () => {
    const subject = uniqueName('payments-value');
    await registry().register(subject, JSON.stringify(V1));
    const none = await cliJson(['schema', 'config', '--subject', subject, '--set', 'NONE']);
    expect(none.code).toBe(0);
    // On Confluent this would be NONE; Apicurio 3.0 drops the subject rule and the global BACKWARD applies.
    expect(none.doc).toEqual({ subject, compatibility: 'BACKWARD', previous: 'BACKWARD' });
    expect(none.stderr).toContain('asked for NONE, but the registry applies BACKWARD');
  });

  it('shows what it would delete without --execute, and soft-deletes with it', async () => {
    const subject = uniqueName('payments-value');
    const client = registry();
    const { id } = await client.register(subject, JSON.stringify(V1));
    await client.register(subject, JSON.stringify(V2));

    const dry = await cliJson(['schema', 'delete', '--subject', subject]);
    expect(dry.doc).toEqual({ subject, version: null, versions: [1, 2], executed: false });
    const dryOne = await cliJson(['schema', 'delete', '--subject', subject, '--version', 'latest']);
    expect(dryOne.doc).toEqual({ subject, version: 2, versions: [2], executed: false });
    expect(await client.listVersions(subject)).toEqual([1, 2]);

    expect((await cliJson(['schema', 'delete', '--subject', subject, '--version', '2', '--execute'])).doc).toEqual({ subject, version: 2, versions: [2], executed: true });
    expect(await client.listVersions(subject)).toEqual([1]);
    expect((await cliJson(['schema', 'delete', '--subject', subject, '--execute'])).doc).toEqual({ subject, version: null, versions: [1], executed: true });
    expect((await cliJson(['schema', 'get', '--subject', subject])).code).toBe(2);
    // Soft delete: the id still decodes.
    expect(JSON.parse((await client.getSchemaById(id)).schema)).toEqual(V1);

    const missing = await runCli(['schema', 'delete', '--subject', subject, '--version', '7']);
    expect(missing.code).toBe(2);
  });

  it('exits 2 naming the file for an invalid schema, and 3 naming the URL when the registry is unreachable', async () => {
    const invalid = await schemaFile({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'strin' }] }, 'broken.avsc');
    const bad = await runCli(['schema', 'register', '--subject', uniqueName('x-value'), '--schema', invalid]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${invalid}: not a valid Avro schema`);

    const down = await runCli(['schema', 'list', '--registry', 'http://127.0.0.1:9/apis/ccompat/v7']);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach schema registry at http://127.0.0.1:9/apis/ccompat/v7');
    expect(down.ms).toBeLessThan(15_000);
  });
});

describe('the producer and consumer API against the registry', () => {
  it('resolves the registered contract, frames a record and decodes it by id', async () => {
    const { dir } = await uniqueContracts();
    expect((await runCli(['schema', 'register', '--dir', dir])).code).toBe(0);
    const contract = (await loadContracts(dir)).find((c) => c.recordName.endsWith('.PaymentAuthorized'))!;
    const client = registry();
    const registered = await resolveRegisteredSchema(client, contract.subject);
    expect(registered.version).toBe(1);
    const value = registered.type.random();
    const framed = encodeWithSchemaId(registered.type, registered.id, value);
    const cache = new SchemaCache(client);
    expect(await decodeFramed(framed, cache.lookup)).toEqual({ schemaId: registered.id, value });
    framed.writeInt32BE(2_000_000_000, 1);
    await expect(decodeFramed(framed, cache.lookup)).rejects.toBeInstanceOf(UnknownSchemaIdError);
    await expect(resolveRegisteredSchema(client, uniqueName('never-value'))).rejects.toThrow(/producers do not auto-register/);
  });
});

interface CompatCase {
  name: string;
  reader: unknown;
  writer: unknown;
  compatible: boolean;
}

async function compatCases(): Promise<{ cases: CompatCase[]; source: string }> {
  const file = path.resolve('test/fixtures/avro-compat/cases.json');
  const data = JSON.parse(await fs.readFile(file, 'utf8')) as { cases: CompatCase[] } | CompatCase[];
  return { cases: Array.isArray(data) ? data : data.cases, source: file };
}

describe('the offline checker agrees with the registry', () => {
  // Each ported case once at BACKWARD (the registry's question is then "can reader read writer",
  // as in the upstream test) and once at FORWARD (the reverse pair, which has no upstream label).
  it('on every ported Avro reader/writer case (writer registered, reader checked at BACKWARD and FORWARD)', async () => {
    const { cases } = await compatCases();
    const client = registry();
    const text = (s: unknown) => JSON.stringify(s);
    type Outcome = { name: string; level: 'BACKWARD' | 'FORWARD'; registry: boolean | 'rejected'; offline: boolean; expected: boolean };
    const outcomes: Outcome[] = [];
    const runCase = async (c: CompatCase, level: Outcome['level']) => {
      const subject = uniqueName('compat');
      await client.setCompatibility(level, subject);
      const offline = checkCompatibility(text(c.reader), [text(c.writer)], level).compatible;
      try {
        await client.register(subject, text(c.writer));
        const answer = await client.testCompatibility(subject, text(c.reader), 'latest');
        outcomes.push({ name: c.name, level, registry: answer.compatible, offline, expected: c.compatible });
      } catch (err) {
        outcomes.push({ name: c.name, level, registry: 'rejected', offline, expected: c.compatible });
        process.stderr.write(`[compat] ${c.name} (${level}): registry rejected: ${(err as Error).message}\n`);
      } finally {
        await client.deleteSubject(subject).catch(() => undefined);
      }
    };
    const jobs = cases.flatMap((c) => [() => runCase(c, 'BACKWARD'), () => runCase(c, 'FORWARD')]);
    for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((job) => job()));

    for (const level of ['BACKWARD', 'FORWARD'] as const) {
      const mine = outcomes.filter((o) => o.level === level);
      const compared = mine.filter((o) => o.registry !== 'rejected');
      const agree = compared.filter((o) => o.registry === o.offline).length;
      const upstream = level === 'BACKWARD' ? `, registry matches the upstream expectation in ${compared.filter((o) => o.registry === o.expected).length}` : '';
      process.stderr.write(`[compat] ${level}: ${cases.length} cases, ${compared.length} answered by the registry, ${agree} agree with the offline checker, ${mine.length - compared.length} rejected${upstream}\n`);
      expect(compared.length).toBeGreaterThan(cases.length * 0.9);
    }
    const disagree = outcomes.filter((o) => o.registry !== 'rejected' && o.registry !== o.offline);
    expect(disagree.map((o) => `${o.name} at ${o.level}: registry ${o.registry}, offline ${o.offline}`)).toEqual([]);
  });

  it('on which schemas are valid: the registry takes exactly the edge cases Avro Java accepts', async () => {
    const fixture = JSON.parse(await fs.readFile(path.resolve('test/fixtures/avro-compat/validity.json'), 'utf8')) as { schemas: Array<{ name: string; schema: string; valid: boolean }> };
    // Apicurio 3.0.9's own quirks: it stores blank content (whitespace or comments only) unparsed,
    // and refuses a `//` comment ended by a lone CR as "not AVRO" (streamflow sends schemas without comments).
    const quirks = new Set(['empty text', 'whitespace only', 'comment only', 'line comment before the schema, ended by a carriage return']);
    const client = registry();
    const accepted = new Map<string, boolean>();
    const runCase = async (c: { name: string; schema: string }) => {
      const subject = uniqueName('validity');
      try {
        await client.register(subject, c.schema);
        accepted.set(c.name, true);
        await client.deleteSubject(subject);
      } catch {
        accepted.set(c.name, false);
      }
    };
    const cases = fixture.schemas.filter((c) => !quirks.has(c.name));
    for (let i = 0; i < cases.length; i += 8) await Promise.all(cases.slice(i, i + 8).map(runCase));
    expect(cases.filter((c) => accepted.get(c.name) !== c.valid).map((c) => `${c.name}: Java ${c.valid}, registry ${accepted.get(c.name)}`)).toEqual([]);
    expect(cases.filter((c) => c.valid).length).toBeGreaterThan(50);
  });
});
