import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, InterruptedError, UnreachableError } from '../../../src/errors.js';
import { RegistryClient } from '../../../src/schema/registry-client.js';
import {
  IncompatibleSchemaError,
  RegistryAuthError,
  RegistryNotFoundError,
  RegistryRejectedInputError,
  RegistryServerError,
} from '../../../src/schema/registry-errors.js';

// A scripted stand-in for the registry: these tests are about the client's HTTP and error
// mapping logic. What the real registry does is covered by test/integration/schema.test.ts.
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Reply = (req: Seen) => { status: number; body?: unknown } | 'hang';

const servers: Array<http.Server> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function fakeRegistry(reply: Reply, server: http.Server = http.createServer()): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server.on('request', (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return;
      res.writeHead(r.status, { 'Content-Type': 'application/vnd.schemaregistry.v1+json' });
      res.end(r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`, seen };
}

const fail = async (p: Promise<unknown>) => p.then(() => expect.fail('expected a rejection'), (e: unknown) => e as Error & { exitCode?: number });

describe('RegistryClient requests', () => {
  it('speaks the Confluent API: paths, content type, schemaType AVRO, verbose compatibility', async () => {
    const { url, seen } = await fakeRegistry((r) =>
      r.url.startsWith('/apis/ccompat/v7/compatibility') ? { status: 200, body: { is_compatible: false, messages: ['field x'] } } : { status: 200, body: { id: 7 } },
    );
    const client = new RegistryClient({ url });
    expect(await client.register('orders value/x', '{"type":"string"}')).toEqual({ id: 7 });
    expect(await client.testCompatibility('s', '"int"', 'latest')).toEqual({ compatible: false, messages: ['field x'] });
    await client.testCompatibility('s', '"int"', 'all');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /apis/ccompat/v7/subjects/orders%20value%2Fx/versions',
      'POST /apis/ccompat/v7/compatibility/subjects/s/versions/latest?verbose=true',
      'POST /apis/ccompat/v7/compatibility/subjects/s/versions?verbose=true',
    ]);
    expect(seen[0]!.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
    expect(JSON.parse(seen[0]!.body)).toEqual({ schema: '{"type":"string"}', schemaType: 'AVRO' });
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('sends basic auth, from the config or from credentials in the URL, and never prints them', async () => {
    const { url, seen } = await fakeRegistry(() => ({ status: 401, body: { error_code: 40101, message: 'Unauthorized' } }));
    const err = await fail(new RegistryClient({ url, username: 'sr', password: 's3cret' }).listSubjects());
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('sr:s3cret').toString('base64')}`);
    expect(err).toBeInstanceOf(RegistryAuthError);
    expect(err.exitCode).toBe(ExitCode.unreachable);
    expect(err.message).toContain('authentication failed (HTTP 401)');

    const withUserInfo = url.replace('http://', 'http://ops:p%40ss@');
    const client = new RegistryClient({ url: withUserInfo });
    expect(client.url).toBe(url);
    const err2 = await fail(client.listSubjects());
    expect(seen[1]!.headers.authorization).toBe(`Basic ${Buffer.from('ops:p@ss').toString('base64')}`);
    expect(`${err2.message} ${(err2 as { hint?: string }).hint}`).not.toMatch(/p%40ss|p@ss|s3cret/);
  });

  it('maps 403 to an authorisation failure, exit 3', async () => {
    const { url } = await fakeRegistry(() => ({ status: 403, body: { error_code: 40301, message: 'User cannot access the resource.' } }));
    const err = await fail(new RegistryClient({ url }).listSubjects());
    expect(err).toBeInstanceOf(RegistryAuthError);
    expect(err.message).toContain('not authorised');
  });

  it('maps 404 error codes to exit-2 messages naming the subject, version or id', async () => {
    const codes: Record<string, number> = { '/subjects/a/versions': 40401, '/subjects/a/versions/9': 40402, '/schemas/ids/5': 40403 };
    const { url } = await fakeRegistry((r) => ({ status: 404, body: { error_code: codes[r.url.replace('/apis/ccompat/v7', '')], message: "No artifact with ID 'a' in group 'null'" } }));
    const client = new RegistryClient({ url });
    const subject = await fail(client.listVersions('a'));
    expect(subject).toBeInstanceOf(RegistryNotFoundError);
    expect([subject.message, subject.exitCode]).toEqual(['subject a not found in the schema registry', ExitCode.usage]);
    expect((await fail(client.getVersion('a', 9))).message).toBe('version 9 of subject a not found');
    expect((await fail(client.getSchemaById(5))).message).toBe('schema id 5 not found in the schema registry');
  });

  it('treats "not registered" as undefined in lookup', async () => {
    const { url } = await fakeRegistry(() => ({ status: 404, body: { error_code: 40403, message: 'Schema not found' } }));
    expect(await new RegistryClient({ url }).lookup('a', '"int"')).toBeUndefined();
  });

  it('maps 409 to IncompatibleSchemaError with the reason, without the Java exception class', async () => {
    const { url } = await fakeRegistry(() => ({
      status: 409,
      body: { error_code: 409, message: 'io.apicurio.registry.rules.RuleViolationException: Incompatible artifact: s [AVRO], num of incompatible diffs: {1}, list of diff types: [c at /fields/1]' },
    }));
    const err = (await fail(new RegistryClient({ url }).register('s', '"int"'))) as IncompatibleSchemaError;
    expect(err).toBeInstanceOf(IncompatibleSchemaError);
    expect(err.exitCode).toBe(ExitCode.checkFailed);
    expect(err.reasons).toEqual(['Incompatible artifact: s [AVRO], num of incompatible diffs: {1}, list of diff types: [c at /fields/1]']);
  });

  it('maps 422 to exit 2 with the registry message', async () => {
    const { url } = await fakeRegistry(() => ({ status: 422, body: { error_code: 42201, message: 'Invalid schema' } }));
    const err = await fail(new RegistryClient({ url }).register('s', '"int"'));
    expect(err).toBeInstanceOf(RegistryRejectedInputError);
    expect([err.message, err.exitCode]).toEqual(['schema registry rejected the request: Invalid schema', ExitCode.usage]);
  });

  it('says when the URL is not the registry API (a 404 without error code, or HTML)', async () => {
    const { url } = await fakeRegistry((r) => (r.url.endsWith('/subjects') ? { status: 404 } : { status: 200, body: '<html>' }));
    const notApi = await fail(new RegistryClient({ url }).listSubjects());
    expect(notApi.message).toContain('without a registry error');
    expect((notApi as { hint?: string }).hint).toContain('/apis/ccompat/v7');
    const html = await fail(new RegistryClient({ url }).getCompatibility());
    expect(html).toBeInstanceOf(RegistryServerError);
    expect(html.message).toContain('no JSON');
  });

  it('reads both config shapes and falls back to the global level for an unknown subject', async () => {
    const { url, seen } = await fakeRegistry((r) =>
      r.method === 'PUT' ? { status: 200, body: { compatibility: 'FULL' } }
      : r.url.includes('/config/') ? { status: 404, body: { error_code: 40401, message: 'no subject' } }
      : { status: 200, body: { compatibilityLevel: 'BACKWARD' } },
    );
    const client = new RegistryClient({ url });
    expect(await client.getCompatibility('new-subject')).toBe('BACKWARD');
    expect(await client.setCompatibility('FULL', 'new-subject')).toBe('FULL');
    expect(seen.map((s) => `${s.method} ${s.url.replace('/apis/ccompat/v7', '')}`)).toEqual([
      'GET /config/new-subject?defaultToGlobal=true',
      'GET /config',
      'PUT /config/new-subject',
    ]);
    expect(JSON.parse(seen[2]!.body)).toEqual({ compatibility: 'FULL' });
  });
});

describe('RegistryClient when the registry does not answer', () => {
  it('reports connection refused as unreachable, exit 3, naming the URL', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const err = await fail(new RegistryClient({ url: `http://127.0.0.1:${port}` }).listSubjects());
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toBe(`cannot reach schema registry at http://127.0.0.1:${port}: connection refused`);
  });

  it('times out a registry that never answers', async () => {
    const { url } = await fakeRegistry(() => 'hang');
    const t0 = Date.now();
    const err = await fail(new RegistryClient({ url }, { timeoutMs: 300 }).listSubjects());
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toContain('no answer within 0.3 s');
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('stops on the command signal (Ctrl-C) as interrupted', async () => {
    const { url } = await fakeRegistry(() => 'hang');
    const ctl = new AbortController();
    const pending = fail(new RegistryClient({ url }, { signal: ctl.signal }).listSubjects());
    setTimeout(() => ctl.abort(), 50);
    expect(await pending).toBeInstanceOf(InterruptedError);
  });
});

describe('RegistryClient with a private CA (registry.ca)', () => {
  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!openssl)('verifies the registry certificate against the CA bundle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-ca-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) });
    const { url } = await fakeRegistry(() => ({ status: 200, body: ['a'] }), server);
    expect(await new RegistryClient({ url, ca: cert }).listSubjects()).toEqual(['a']);
    const untrusted = await fail(new RegistryClient({ url }).listSubjects());
    expect(untrusted).toBeInstanceOf(UnreachableError);
    expect(untrusted.message).toMatch(/SELF_SIGNED|self.signed/i);
  });
});
