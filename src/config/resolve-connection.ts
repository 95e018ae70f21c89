import { parseRedisUrl } from './redis-url.js';
import fs from 'node:fs/promises';
import YAML from 'yaml';
import { UsageError } from '../errors.js';
import { configFilePath, localContextPath } from './paths.js';
import {
  type ConfigFile,
  type ContextConfig,
  type RegistryConfig,
  type SaslConfig,
  type TlsConfig,
  configFileSchema,
  contextSchema,
  describeZodError,
  splitBrokers,
} from './schema.js';

/** The global connection flags (README: Connecting to a real cluster). */
export interface ConnectionFlags {
  context?: string;
  brokers?: string;
  registry?: string;
  redis?: string;
}

export type Source = 'flag' | 'env' | `context:${string}`;

export interface ResolvedSasl {
  mechanism: SaslConfig['mechanism'];
  username: string;
  password: string;
}

export interface ResolvedRegistry {
  url: string;
  username?: string;
  password?: string;
  ca?: string;
}

/** Everything a command needs to reach the cluster, after flags > env > context (env not over a context named by flag). */
export interface Connection {
  /** The context the base layer came from, or null when only flags/env were given. */
  context: string | null;
  brokers: string[];
  sasl?: ResolvedSasl;
  tls?: TlsConfig;
  registry?: ResolvedRegistry;
  redis?: { url: string };
  sources: Partial<Record<'brokers' | 'sasl' | 'tls' | 'registry' | 'redis', Source>>;
}

export async function readConfigFile(env: NodeJS.ProcessEnv): Promise<{ path: string; config: ConfigFile; exists: boolean }> {
  const file = configFilePath(env);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, config: { contexts: {} }, exists: false };
    throw new UsageError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text) ?? {};
  } catch (err) {
    throw new UsageError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`config file ${file}: ${describeZodError(parsed.error)}`);
  return { path: file, config: parsed.data, exists: true };
}

/** The `local` context that `dev up` writes; undefined when no dev stack was started. */
export async function readLocalContext(env: NodeJS.ProcessEnv): Promise<ContextConfig | undefined> {
  try {
    const parsed = contextSchema.safeParse(JSON.parse(await fs.readFile(localContextPath(env), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv): Promise<Connection> {
  const { path: file, config } = await readConfigFile(env);
  const wanted = flags.context ?? env.STREAMFLOW_CONTEXT ?? config['current-context'];
  let base: ContextConfig | undefined;
  let context: string | null = null;
  if (wanted !== undefined) {
    base = config.contexts[wanted] ?? (wanted === 'local' ? await readLocalContext(env) : undefined);
    if (!base) {
      const known = [...Object.keys(config.contexts), 'local'].join(', ');
      throw new UsageError(`unknown context "${wanted}" (known: ${known})`, `contexts live in ${file}`);
    }
    context = wanted;
  } else {
    base = await readLocalContext(env);
    if (base) context = 'local';
  }
  const from: Source = `context:${context ?? ''}`;
  const conn: Connection = { context, brokers: [], sources: {} };

  // A context named by --context (or the dashboard's :ctx) is used as the file has it: the
  // environment's endpoints override only the default one. Else `--context prod` in a shell
  // that exported STREAMFLOW_BROKERS for a dev stack would read the dev stack, labelled prod.
  const envOverrides = flags.context === undefined;
  const pick = <T>(key: keyof Connection['sources'], flag: T | undefined, envValue: T | undefined, ctx: T | undefined): T | undefined => {
    if (flag !== undefined) return (conn.sources[key] = 'flag'), flag;
    if (envOverrides && envValue !== undefined) return (conn.sources[key] = 'env'), envValue;
    if (ctx !== undefined) return (conn.sources[key] = from), ctx;
    return undefined;
  };

  conn.brokers =
    pick('brokers', flags.brokers ? splitBrokers(flags.brokers) : undefined, env.STREAMFLOW_BROKERS ? splitBrokers(env.STREAMFLOW_BROKERS) : undefined, base?.brokers) ?? [];
  for (const b of conn.brokers) {
    if (!/^[^\s:,]+:\d+$/.test(b)) throw new UsageError(`broker "${b}" is not host:port`, 'example: --brokers 127.0.0.1:9092,127.0.0.1:9093');
  }

  const envSasl = env.STREAMFLOW_SASL_MECHANISM
    ? { mechanism: env.STREAMFLOW_SASL_MECHANISM, username: env.STREAMFLOW_SASL_USERNAME ?? '', password: env.STREAMFLOW_SASL_PASSWORD }
    : undefined;
  const sasl = pick<SaslConfig>('sasl', undefined, envSasl as SaslConfig | undefined, base?.sasl);
  if (sasl) conn.sasl = resolveSasl(sasl, env);

  const envTls = env.STREAMFLOW_TLS_CA ? { ca: env.STREAMFLOW_TLS_CA, rejectUnauthorized: true } : env.STREAMFLOW_TLS ? env.STREAMFLOW_TLS === 'true' : undefined;
  const tls = pick<TlsConfig>('tls', undefined, envTls, base?.tls);
  if (tls !== undefined) conn.tls = tls;

  const envRegistry = env.STREAMFLOW_REGISTRY
    ? { url: env.STREAMFLOW_REGISTRY, username: env.STREAMFLOW_REGISTRY_USERNAME, password: env.STREAMFLOW_REGISTRY_PASSWORD }
    : undefined;
  const registry = pick<RegistryConfig>('registry', flags.registry ? { url: flags.registry } : undefined, envRegistry, base?.registry);
  if (registry) conn.registry = resolveRegistry(registry, env);

  const redis = pick('redis', flags.redis ? { url: flags.redis } : undefined, env.STREAMFLOW_REDIS ? { url: env.STREAMFLOW_REDIS } : undefined, base?.redis);
  if (redis) {
    parseRedisUrl(redis.url); // a malformed URL or cluster seed list is named here, before any command runs
    conn.redis = redis;
  }
  return conn;
}

function secretOf(value: { password?: string; passwordEnv?: string }, env: NodeJS.ProcessEnv, what: string): string | undefined {
  if (value.password !== undefined) return value.password;
  if (value.passwordEnv === undefined) return undefined;
  const secret = env[value.passwordEnv];
  if (secret === undefined) throw new UsageError(`${what} password is read from env var ${value.passwordEnv}, which is not set`);
  return secret;
}

function resolveSasl(sasl: SaslConfig, env: NodeJS.ProcessEnv): ResolvedSasl {
  const mechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'];
  if (!mechanisms.includes(sasl.mechanism)) throw new UsageError(`SASL mechanism "${sasl.mechanism}" is not one of ${mechanisms.join(', ')}`);
  if (!sasl.username) throw new UsageError('SASL needs a username (STREAMFLOW_SASL_USERNAME or sasl.username)');
  const password = secretOf(sasl, env, 'SASL');
  if (password === undefined) throw new UsageError('SASL needs a password (STREAMFLOW_SASL_PASSWORD, sasl.password or sasl.passwordEnv)');
  return { mechanism: sasl.mechanism, username: sasl.username, password };
}

function resolveRegistry(registry: RegistryConfig, env: NodeJS.ProcessEnv): ResolvedRegistry {
  try {
    new URL(registry.url);
  } catch {
    throw new UsageError(`registry URL "${registry.url}" is not a URL`, 'example: --registry http://127.0.0.1:8081/apis/ccompat/v7');
  }
  const out: ResolvedRegistry = { url: registry.url.replace(/\/+$/, '') };
  if (registry.username) out.username = registry.username;
  const password = secretOf(registry, env, 'registry');
  if (password !== undefined) out.password = password;
  if (registry.ca) out.ca = registry.ca;
  return out;
}

/** Commands that talk to Kafka call this so a missing setting names every way to give it. */
export function requireBrokers(conn: Connection): string[] {
  if (conn.brokers.length === 0) {
    throw new UsageError('no Kafka brokers configured', 'run `streamflow dev up`, pass --brokers host:port, set STREAMFLOW_BROKERS, or add a context to the config file');
  }
  return conn.brokers;
}

export function requireRegistry(conn: Connection): ResolvedRegistry {
  if (!conn.registry) {
    throw new UsageError('no schema registry configured', 'run `streamflow dev up`, pass --registry URL, set STREAMFLOW_REGISTRY, or add registry.url to a context');
  }
  return conn.registry;
}

export function requireRedis(conn: Connection): { url: string } {
  if (!conn.redis) {
    throw new UsageError('no Redis configured', 'run `streamflow dev up`, pass --redis redis://host:port, set STREAMFLOW_REDIS, or add redis.url to a context');
  }
  return conn.redis;
}
