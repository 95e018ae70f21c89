import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { runCli, testConnection, uniqueName } from './helpers.js';

/*
 * JSON Schema and Protobuf on the real registry (Apicurio's Confluent API): registered with
 * their type and references, an incompatible change refused (exit 1) by `schema check` with
 * the reason at its line and by the registry itself on `schema register`, bad files exit 2
 * with the line, and the git gate checking a .proto.
 */

const MONEY = 'syntax = "proto3";\npackage c;\nmessage Money { int64 minor = 1; string currency = 2; }\n';
const ORDER_V1 = 'syntax = "proto3";\npackage o;\nimport "money.proto";\nmessage Order {\n  string id = 1;\n  c.Money total = 2;\n}\n';
// id changes type: old data no longer reads.
const ORDER_V2 = ORDER_V1.replace('string id = 1;', 'int64 id = 1;');
const ORDER_V3 = ORDER_V1.replace('  c.Money total = 2;\n', '  c.Money total = 2;\n  string note = 3;\n');
const JSON_V1 = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false }, null, 2);
const JSON_V2 = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { id: { type: 'integer' } }, additionalProperties: false }, null, 2);

async function files(entries: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-formats-'));
  for (const [name, text] of Object.entries(entries)) await fs.writeFile(path.join(dir, name), text);
  return dir;
}

describe('schema governance for Protobuf and JSON Schema on the registry', () => {
  it('registers a Protobuf subject with a reference, and refuses an incompatible change (exit 1) with its reason and line', async () => {
    const dir = await files({ 'money.proto': MONEY, 'order-v1.proto': ORDER_V1, 'order-v2.proto': ORDER_V2, 'order-v3.proto': ORDER_V3 });
    const money = uniqueName('fmt.money');
    const order = uniqueName('fmt.order-value');
    const reference = `money.proto=${money}:1`;
    expect((await runCli(['schema', 'register', '--subject', money, '--schema', path.join(dir, 'money.proto')])).code).toBe(0);
    const registered = await runCli(['schema', 'register', '--subject', order, '--schema', path.join(dir, 'order-v1.proto'), '--reference', reference, '--json']);
    expect(registered.code, registered.stderr).toBe(0);
    const stored = await new RegistryClient(testConnection().registry!).getVersion(order, 'latest');
    expect(stored).toMatchObject({ schemaType: 'PROTOBUF', references: [{ name: 'money.proto', subject: money, version: 1 }] });

    const check = await runCli(['schema', 'check', '--subject', order, '--schema', path.join(dir, 'order-v2.proto'), '--reference', reference, '--format', 'github']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/::error file=[^,]*order-v2\.proto,line=5,col=\d+,.*FIELD_SCALAR_KIND_CHANGED: Field 'id' \(1\) of message 'Order' changed type from string to int64/);
    const refused = await runCli(['schema', 'register', '--subject', order, '--schema', path.join(dir, 'order-v2.proto'), '--reference', reference]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('incompatible');

    const compatible = await runCli(['schema', 'check', '--subject', order, '--schema', path.join(dir, 'order-v3.proto'), '--reference', reference]);
    expect(compatible.code, compatible.stdout + compatible.stderr).toBe(0);
    expect((await runCli(['schema', 'register', '--subject', order, '--schema', path.join(dir, 'order-v3.proto'), '--reference', reference])).code).toBe(0);
    const got = await runCli(['schema', 'get', '--subject', order]);
    expect(got.stdout).toContain(`references money.proto = ${money} v1`);
    expect(got.stdout).toContain('string note = 3;');
  });

  it('registers a JSON Schema subject and refuses a type change (exit 1), at the property\'s line', async () => {
    const dir = await files({ 'v1.json': JSON_V1, 'v2.json': JSON_V2 });
    const subject = uniqueName('fmt.json-value');
    expect((await runCli(['schema', 'register', '--subject', subject, '--schema', path.join(dir, 'v1.json')])).code).toBe(0);
    expect((await new RegistryClient(testConnection().registry!).getVersion(subject, 'latest')).schemaType).toBe('JSON');
    const check = await runCli(['schema', 'check', '--subject', subject, '--schema', path.join(dir, 'v2.json'), '--json']);
    expect(check.code).toBe(1);
    const doc = JSON.parse(check.stdout);
    expect(doc.checks[0].violations).toEqual([expect.objectContaining({ message: expect.stringContaining('#/properties/id: TYPE_CHANGED'), line: 5 })]);
    expect((await runCli(['schema', 'register', '--subject', subject, '--schema', path.join(dir, 'v2.json')])).code).toBe(1);
  });

  it('folder mode: a contracts manifest of Protobuf and JSON Schema files registers and checks each under its strategy', async () => {
    const topic = uniqueName('fmt.folder');
    const money = uniqueName('fmt.folder-money');
    const manifest = `contracts:\n  - { file: money.proto, topic: ${money}, strategy: TopicNameStrategy }\n  - { file: order.proto, topic: ${topic}, strategy: TopicRecordNameStrategy, references: [{ name: money.proto, subject: ${money}-value, version: 1 }] }\n  - { file: note.json, topic: ${topic}.notes, strategy: TopicNameStrategy }\n`;
    const noteV1 = JSON.stringify({ title: 'Note', type: 'object', properties: { text: { type: 'string' } } }, null, 2);
    const dir = await files({ 'contracts.yaml': manifest, 'money.proto': MONEY, 'order.proto': ORDER_V1, 'note.json': noteV1 });
    const registered = await runCli(['schema', 'register', '--dir', dir, '--json']);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout).results.map((r: { subject: string; status: string }) => [r.subject, r.status])).toEqual([
      [`${money}-value`, 'registered'],
      [`${topic}-o.Order`, 'registered'],
      [`${topic}.notes-value`, 'registered'],
    ]);
    const order = await new RegistryClient(testConnection().registry!).getVersion(`${topic}-o.Order`, 'latest');
    expect(order.references).toEqual([{ name: 'money.proto', subject: `${money}-value`, version: 1 }]);
    await fs.writeFile(path.join(dir, 'note.json'), noteV1.replace('"string"', '"integer"'));
    const check = await runCli(['schema', 'check', '--dir', dir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(new RegExp(`ok +${topic.replace(/\./g, '\\.')}-o\\.Order`));
    expect(check.stdout).toMatch(/FAIL +.*\.notes-value/);
    expect(check.stdout).toContain('#/properties/text: TYPE_CHANGED');
  });

  it('refuses a file that is not a schema of its type with the file, line and reason (exit 2)', async () => {
    const dir = await files({ 'bad.proto': 'syntax = "proto3";\nmessage A {\n  string id = 1\n  int32 n = 2;\n}\n', 'bad.json': '{"type": 12}', 'ok.proto': MONEY });
    const proto = await runCli(['schema', 'check', '--schema', path.join(dir, 'bad.proto'), '--against', path.join(dir, 'ok.proto')]);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/bad\.proto: not a valid Protobuf schema: 4:3: illegal token 'int32'/);
    const json = await runCli(['schema', 'register', '--subject', uniqueName('fmt.bad'), '--schema', path.join(dir, 'bad.json')]);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/bad\.json: not a valid JSON Schema: 1:\d+: .*"type"/);
    const offlineReference = await runCli(['schema', 'check', '--schema', path.join(dir, 'ok.proto'), '--against', path.join(dir, 'ok.proto'), '--reference', 'x=y:1']);
    expect(offlineReference.code).toBe(2);
  });

  it('the git gate checks .proto files with their imports at the ref, one annotation per difference on its line', async () => {
    const repo = await files({ 'money.proto': MONEY, 'order.proto': ORDER_V1 });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'v1');
    await fs.writeFile(path.join(repo, 'order.proto'), ORDER_V2);
    const run = await runCli(['schema', 'check', '--against-git', 'HEAD', '--dir', repo, '--format', 'github']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=order\.proto,line=5,col=\d+,title=Incompatible schema \(BACKWARD\)::new schema cannot read version HEAD: #\/Order\/1: FIELD_SCALAR_KIND_CHANGED/m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('streamflow schema check: 2 checked at BACKWARD, 1 incompatible');
  });
});
