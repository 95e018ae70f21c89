import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { redactSecrets } from '../../../src/config/redact.js';
import { resolveConnection } from '../../../src/config/resolve-connection.js';

function envWith(configYaml: string | null, local: object | null, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-config-'));
  const env: NodeJS.ProcessEnv = { STREAMFLOW_CONFIG: path.join(dir, 'config.yaml'), STREAMFLOW_STATE_DIR: path.join(dir, 'state'), ...extra };
  if (configYaml !== null) fs.writeFileSync(env.STREAMFLOW_CONFIG!, configYaml);
  if (local) {
    fs.mkdirSync(env.STREAMFLOW_STATE_DIR!, { recursive: true });
    fs.writeFileSync(path.join(env.STREAMFLOW_STATE_DIR!, 'local-context.json'), JSON.stringify(local));
  }
  return env;
}

const CONFIG = `
current-context: prod
contexts:
  prod:
    brokers: [kafka-1.prod:9092, kafka-2.prod:9092]
    sasl: { mechanism: scram-sha-512, username: ops, passwordEnv: PROD_KAFKA_PASSWORD }
    tls: { ca: /etc/ssl/prod-ca.pem }
    registry: { url: "https://registry.prod/", username: sr, password: s3cret }
    redis: { url: "redis://:redispw@redis.prod:6379" }
  staging:
    brokers: kafka.staging:9092
`;

describe('resolveConnection precedence: flags > env > context > local (a context named by flag: flags > context)', () => {
  it('uses the current context from the file, with the password from the named env var', async () => {
    const conn = await resolveConnection({}, envWith(CONFIG, { brokers: ['127.0.0.1:1'] }, { PROD_KAFKA_PASSWORD: 'pw' }));
    expect(conn.context).toBe('prod');
    expect(conn.brokers).toEqual(['kafka-1.prod:9092', 'kafka-2.prod:9092']);
    expect(conn.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ops', password: 'pw' });
    expect(conn.registry).toEqual({ url: 'https://registry.prod', username: 'sr', password: 's3cret' });
    expect(conn.sources.brokers).toBe('context:prod');
  });

  it('lets env override the context and flags override env', async () => {
    const env = envWith(CONFIG, null, { PROD_KAFKA_PASSWORD: 'pw', STREAMFLOW_BROKERS: 'env:1', STREAMFLOW_REDIS: 'redis://env:2' });
    const viaEnv = await resolveConnection({}, env);
    expect(viaEnv.brokers).toEqual(['env:1']);
    expect(viaEnv.sources).toMatchObject({ brokers: 'env', redis: 'env', registry: 'context:prod' });
    const viaFlag = await resolveConnection({ brokers: 'flag:1,flag:2' }, env);
    expect(viaFlag.brokers).toEqual(['flag:1', 'flag:2']);
    expect(viaFlag.sources.brokers).toBe('flag');
  });

  it('takes a context named by --context as the file has it: env endpoints override only the default context', async () => {
    const env = envWith(CONFIG, null, { PROD_KAFKA_PASSWORD: 'pw', STREAMFLOW_BROKERS: 'dev:1', STREAMFLOW_REDIS: 'redis://dev:2', STREAMFLOW_REGISTRY: 'http://dev:3' });
    const named = await resolveConnection({ context: 'prod' }, env);
    expect(named.brokers).toEqual(['kafka-1.prod:9092', 'kafka-2.prod:9092']);
    expect(named.redis).toEqual({ url: 'redis://:redispw@redis.prod:6379' });
    expect(named.sources).toMatchObject({ brokers: 'context:prod', redis: 'context:prod', registry: 'context:prod' });
    // Flags still win over the named context.
    expect((await resolveConnection({ context: 'prod', brokers: 'flag:1' }, env)).brokers).toEqual(['flag:1']);
    // The default context (current-context, or STREAMFLOW_CONTEXT) takes the env's.
    expect((await resolveConnection({}, env)).brokers).toEqual(['dev:1']);
    expect((await resolveConnection({}, { ...env, STREAMFLOW_CONTEXT: 'staging' })).brokers).toEqual(['dev:1']);
  });

  it('selects a context by flag or STREAMFLOW_CONTEXT, and accepts a comma string for brokers', async () => {
    const env = envWith(CONFIG, null, { STREAMFLOW_CONTEXT: 'staging' });
    expect((await resolveConnection({}, env)).brokers).toEqual(['kafka.staging:9092']);
    expect((await resolveConnection({ context: 'staging' }, envWith(CONFIG, null, { PROD_KAFKA_PASSWORD: 'x' }))).context).toBe('staging');
  });

  it('falls back to the local context written by dev up when no context is selected', async () => {
    const conn = await resolveConnection({}, envWith(null, { brokers: ['127.0.0.1:9'], redis: { url: 'redis://127.0.0.1:8' } }));
    expect(conn.context).toBe('local');
    expect(conn.brokers).toEqual(['127.0.0.1:9']);
    expect(conn.redis).toEqual({ url: 'redis://127.0.0.1:8' });
  });

  it('does not mix the local stack into a selected context', async () => {
    const conn = await resolveConnection({ context: 'staging' }, envWith(CONFIG, { brokers: ['127.0.0.1:9'], redis: { url: 'redis://127.0.0.1:8' } }));
    expect(conn.redis).toBeUndefined();
  });

  it('names the key path of an invalid config and the known contexts of a wrong name', async () => {
    await expect(resolveConnection({}, envWith('contexts:\n  prod:\n    brokers: [nohost]\n', null))).rejects.toThrow(/contexts\.prod\.brokers\.0: each broker is host:port/);
    await expect(resolveConnection({}, envWith('contexts:\n  prod:\n    bokers: [a:1]\n', null))).rejects.toThrow(/bokers/);
    await expect(resolveConnection({ context: 'nope' }, envWith(CONFIG, null))).rejects.toThrow(/unknown context "nope" \(known: prod, staging, local\)/);
    await expect(resolveConnection({}, envWith(CONFIG, null))).rejects.toThrow(/PROD_KAFKA_PASSWORD, which is not set/);
    await expect(resolveConnection({ brokers: 'localhost' }, envWith(null, null))).rejects.toBeInstanceOf(UsageError);
  });
});

describe('redactSecrets', () => {
  it('hides passwords and URL credentials but keeps everything else', () => {
    expect(
      redactSecrets({ sasl: { username: 'ops', password: 'pw' }, redis: { url: 'redis://user:pw@h:1' }, tls: { key: '/k.pem' } }),
    ).toEqual({ sasl: { username: 'ops', password: '***' }, redis: { url: 'redis://user:***@h:1' }, tls: { key: '/k.pem' } });
  });
});
