import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devDown, devUp, stackDir } from '../../src/dev/stack.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { type CliRun, runCli } from './helpers.js';

/**
 * `dev up --secure` of its own: one broker with SASL/SCRAM-SHA-512 over TLS (a local CA) and a
 * registry with basic auth. The right credentials (from the `local` context it writes) work end
 * to end; wrong ones fail with exit 3 and a message that names the endpoint; and no password
 * ever shows in output, errors, logs or process command lines.
 */
describe('secure local stack (SCRAM + TLS, registry basic auth)', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-secure-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', STREAMFLOW_STATE_DIR: path.join(home, 'state'), STREAMFLOW_CONFIG: path.join(home, 'config.yaml') };
  for (const k of Object.keys(env)) if (k.startsWith('STREAMFLOW_') && !['STREAMFLOW_STATE_DIR', 'STREAMFLOW_CONFIG', 'STREAMFLOW_CACHE_DIR'].includes(k)) delete env[k];
  const runs: CliRun[] = [];
  let context: { brokers: string[]; sasl: { username: string; password: string }; registry: { url: string; password: string }; tls: { ca: string } };
  let secrets: string[];

  const cli = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await runCli(args, { ...env, ...extra });
    runs.push(r);
    return r;
  };

  beforeAll(async () => {
    const up = await devUp({ brokers: 1, secure: true, ...kafkaVersionUnderTest(), env, log: () => undefined });
    expect(up.secure).toBe(true);
    context = JSON.parse(fs.readFileSync(path.join(env.STREAMFLOW_STATE_DIR!, 'local-context.json'), 'utf8'));
    const stored = JSON.parse(fs.readFileSync(path.join(stackDir(env), 'secure', 'credentials.json'), 'utf8'));
    secrets = [stored.kafka.password, stored.registry.password, stored.storePassword];
  });

  afterAll(async () => {
    await devDown(env, { purge: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('writes a local context with SCRAM, the CA and registry credentials, readable by its owner only', () => {
    expect(context.sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'streamflow' });
    expect(fs.readFileSync(context.tls.ca, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    expect(context.registry).toMatchObject({ username: 'streamflow' });
    const privateFiles = [
      path.join(env.STREAMFLOW_STATE_DIR!, 'local-context.json'),
      path.join(stackDir(env), 'secure', 'credentials.json'),
      path.join(stackDir(env), 'kafka-1', 'server.properties'),
      path.join(stackDir(env), 'registry', 'config', 'application.properties'),
    ];
    for (const f of privateFiles) expect((fs.statSync(f).mode & 0o777).toString(8), f).toBe('600');
  });

  it('with the right credentials: topics, contracts, produce, consume and verify all work over SASL_SSL', async () => {
    const status = JSON.parse((await cli(['dev', 'status', '--json'])).stdout);
    expect(status).toMatchObject({ secure: true, kafka: { brokers: [{ up: true }] }, registry: { up: true } });
    expect((await cli(['topic', 'create', 'secure.check', '--partitions', '3'])).code).toBe(0);
    expect(JSON.parse((await cli(['topic', 'list', '--json'])).stdout).topics.map((t: { name: string }) => t.name)).toContain('secure.check');
    expect((await cli(['topology', 'apply', '--execute'])).code).toBe(0);
    const reg = await cli(['schema', 'register', '--dir', 'schemas/checkout']);
    expect(reg.code, reg.stderr).toBe(0);
    const produce = await cli(['produce', 'checkout', '--count', '300', '--poison', '0.02', '--rate', 'max', '--seed', '3', '--json']);
    expect(produce.code, produce.stderr).toBe(0);
    const { runId } = JSON.parse(produce.stdout);
    const consume = await cli(['consume', '--service', 'all', '--until-idle', '6s', '--json']);
    expect(consume.code, consume.stderr).toBe(0);
    const verify = await cli(['verify', '--run', runId, '--json']);
    expect(JSON.parse(verify.stdout).ok, verify.stdout).toBe(true);
  });

  it('a wrong Kafka password fails with exit 3: authentication failed, naming the broker', async () => {
    const wrong = 'not-the-password-123';
    const r = await cli(['topic', 'list'], { STREAMFLOW_SASL_MECHANISM: 'scram-sha-512', STREAMFLOW_SASL_USERNAME: 'streamflow', STREAMFLOW_SASL_PASSWORD: wrong });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/authentication failed/i);
    expect(r.stderr).toContain(context.brokers[0]);
    expect(r.stderr).not.toContain(wrong);
  });

  it('without TLS, or without trusting the local CA, fails with exit 3 naming the broker', async () => {
    const plain = await cli(['topic', 'list'], { STREAMFLOW_TLS: 'false' });
    expect(plain.code).toBe(3);
    expect(plain.stderr).toContain(`cannot reach Kafka broker at ${context.brokers[0]}`);
    expect(plain.stderr).toMatch(/security settings/);
    const untrusted = await cli(['topic', 'list'], { STREAMFLOW_TLS: 'true' });
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/self-signed certificate/);
  });

  it('the registry refuses wrong or missing basic auth: exit 3, authentication failed', async () => {
    const wrong = await cli(['schema', 'list'], { STREAMFLOW_REGISTRY: context.registry.url, STREAMFLOW_REGISTRY_USERNAME: 'streamflow', STREAMFLOW_REGISTRY_PASSWORD: 'nope-nope' });
    const none = await cli(['schema', 'list'], { STREAMFLOW_REGISTRY: context.registry.url });
    for (const r of [wrong, none]) {
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`schema registry at ${context.registry.url}: authentication failed (HTTP 401)`);
    }
    expect(wrong.stderr).not.toContain('nope-nope');
    expect((await cli(['schema', 'list', '--json'])).code).toBe(0);
  });

  it('config show redacts every secret', async () => {
    const r = await cli(['config', 'show', '--json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.resolved.sasl.password).toBe('***');
    expect(doc.resolved.registry.password).toBe('***');
  });

  it('no password appears in any output, error, log file or process command line', async () => {
    runs.push(await cli(['dev', 'logs', '-n', '5000', '--json']));
    const captured = runs.map((r) => r.stdout + r.stderr).join('\n');
    const logs = listFiles(stackDir(env))
      .filter((f) => /\.(log|json)$/.test(f) && !f.endsWith('credentials.json'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const cmdlines = fs
      .readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => fs.promises.readFile(`/proc/${p}/cmdline`, 'utf8').catch(() => ''));
    const commandLines = (await Promise.all(cmdlines)).join('\n');
    expect(logs.length).toBeGreaterThan(1_000);
    for (const secret of secrets) {
      expect(captured.includes(secret), 'in CLI output').toBe(false);
      expect(logs.includes(secret), 'in the stack logs').toBe(false);
      expect(commandLines.includes(secret), 'in a command line').toBe(false);
    }
  });
});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
