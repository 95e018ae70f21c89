import fs from 'node:fs/promises';
import { InterruptedError, UnreachableError, UsageError, ExitCode } from '../errors.js';
import type { ResolvedRegistry } from '../config/resolve-connection.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility/index.js';
import { RegistryNotFoundError, RegistryServerError, URL_HINT, registryError, type RequestContext } from './registry-errors.js';
import { sendHttp } from './registry-transport.js';

export type VersionRef = number | 'latest';

export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

/** Confluent's schema reference: the name a schema imports or `$ref`s resolves to this subject version. */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** How a schema is sent besides its text: its type (AVRO unless said) and the references it needs. */
export interface SchemaKind {
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  /** The schema text as the registry stores it. */
  schema: string;
  /** AVRO when the registry leaves it out (Confluent does for Avro). */
  schemaType: SchemaType;
  references: SchemaReference[];
}

export interface CompatibilityAnswer {
  compatible: boolean;
  /** The registry's reasons (`verbose=true`); Apicurio 3 gives none. */
  messages: string[];
}

export interface RegistryClientOptions {
  /** Per request; the CLI's contract is an answer (or exit 3) within 15 s. */
  timeoutMs?: number;
  /** The command's abort signal (Ctrl-C). */
  signal?: AbortSignal;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A client for the documented Confluent Schema Registry REST API and nothing else, so it works
 * on Confluent's registry and on Apicurio's compatibility API (`.../apis/ccompat/v7`).
 * Every schema is sent with its `schemaType` (AVRO unless said) and references. Errors are typed (registry-errors.ts).
 */
/** The HTTP basic auth header value for registry credentials; none without credentials. */
export function basicAuthorization(username: string | undefined, password: string | undefined): string | undefined {
  return username !== undefined || password !== undefined ? `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}` : undefined;
}

export class RegistryClient {
  /** The registry URL without credentials: safe to print. */
  readonly url: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private ca: Promise<Buffer> | undefined;

  constructor(
    private readonly config: ResolvedRegistry,
    opts: RegistryClientOptions = {},
  ) {
    // fetch refuses URLs with credentials, and they must never be printed: move them to a header.
    const u = new URL(config.url);
    const username = config.username ?? (u.username ? decodeURIComponent(u.username) : undefined);
    const password = config.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
    u.username = '';
    u.password = '';
    this.url = u.toString().replace(/\/+$/, '');
    this.authorization = basicAuthorization(username, password);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.signal = opts.signal;
  }

  listSubjects(): Promise<string[]> {
    return this.request('GET', '/subjects');
  }

  listVersions(subject: string): Promise<number[]> {
    return this.request('GET', `/subjects/${enc(subject)}/versions`, { ctx: { subject } });
  }

  async getVersion(subject: string, version: VersionRef): Promise<SubjectVersion> {
    return subjectVersion(await this.request('GET', `/subjects/${enc(subject)}/versions/${version}`, { ctx: { subject, version } }));
  }

  /** `schemaType` is AVRO, JSON or PROTOBUF (the registry leaves it out for Avro). */
  async getSchemaById(id: number): Promise<{ id: number; schema: string; schemaType: string; references: SchemaReference[] }> {
    const s = await this.request<{ schema: string; schemaType?: string; references?: SchemaReference[] }>('GET', `/schemas/ids/${id}`, { ctx: { id } });
    return { id, schema: s.schema, schemaType: s.schemaType ?? 'AVRO', references: s.references ?? [] };
  }

  /** Where a schema id is used: every subject and version registered with it. */
  subjectVersionsOfId(id: number): Promise<Array<{ subject: string; version: number }>> {
    return this.request('GET', `/schemas/ids/${id}/versions`, { ctx: { id } });
  }

  /** POST /subjects/S/versions. The registry returns the existing id for a schema it already has. */
  async register(subject: string, schema: string, kind: SchemaKind = {}): Promise<{ id: number }> {
    const r = await this.request<{ id: number }>('POST', `/subjects/${enc(subject)}/versions`, { body: schemaBody(schema, kind), ctx: { subject } });
    return { id: r.id };
  }

  /** POST /subjects/S: is this exact schema registered under the subject? undefined when not (or no such subject). */
  async lookup(subject: string, schema: string, kind: SchemaKind = {}): Promise<SubjectVersion | undefined> {
    try {
      return subjectVersion(await this.request('POST', `/subjects/${enc(subject)}`, { body: schemaBody(schema, kind), ctx: { subject } }));
    } catch (err) {
      if (err instanceof RegistryNotFoundError && (err.errorCode === 40401 || err.errorCode === 40403)) return undefined;
      throw err;
    }
  }

  /**
   * Would the schema pass the subject's configured level? `against` a version tests that
   * version only; 'all' asks POST /compatibility/subjects/S/versions, the check that register
   * runs (Confluent's definition). Note Apicurio 3.0 tests every version for 'all' even at
   * non-transitive levels; compatibility-check.ts picks the endpoint by level for that reason.
   */
  async testCompatibility(subject: string, schema: string, against: VersionRef | 'all', kind: SchemaKind = {}): Promise<CompatibilityAnswer> {
    const path = against === 'all' ? `/compatibility/subjects/${enc(subject)}/versions` : `/compatibility/subjects/${enc(subject)}/versions/${against}`;
    const r = await this.request<{ is_compatible: boolean; messages?: unknown }>('POST', `${path}?verbose=true`, {
      body: schemaBody(schema, kind),
      ctx: { subject, ...(against === 'all' ? {} : { version: against }) },
    });
    return { compatible: r.is_compatible === true, messages: Array.isArray(r.messages) ? r.messages.map(String) : [] };
  }

  /**
   * The level in force: the subject's own, else the global one. `defaultToGlobal=true` is
   * needed on Apicurio, whose GET /config/S says NONE for a subject without its own level;
   * a subject that does not exist (404) falls back to GET /config.
   */
  async getCompatibility(subject?: string): Promise<CompatibilityLevel> {
    if (subject !== undefined) {
      try {
        return level(await this.request('GET', `/config/${enc(subject)}?defaultToGlobal=true`, { ctx: { subject } }), this.url);
      } catch (err) {
        if (!(err instanceof RegistryNotFoundError)) throw err;
      }
    }
    return level(await this.request('GET', '/config'), this.url);
  }

  /** PUT /config[/S]. Returns the level the registry now reports. */
  async setCompatibility(compatibility: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`;
    return level(await this.request('PUT', path, { body: { compatibility }, ctx: subject === undefined ? {} : { subject } }), this.url);
  }

  /** Soft delete: the versions are gone from the subject but their ids still decode. Returns the deleted versions. */
  deleteSubject(subject: string): Promise<number[]> {
    return this.request('DELETE', `/subjects/${enc(subject)}`, { ctx: { subject } });
  }

  deleteVersion(subject: string, version: VersionRef): Promise<number> {
    return this.request('DELETE', `/subjects/${enc(subject)}/versions/${version}`, { ctx: { subject, version } });
  }

  private async request<T>(method: string, path: string, opts: { body?: unknown; ctx?: RequestContext } = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json` };
    if (opts.body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.authorization) headers.Authorization = this.authorization;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([timeout, this.signal]) : timeout;
    let res;
    try {
      const init = { method, headers, signal, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) };
      res = await sendHttp(this.url + path, init, await this.caBundle());
    } catch (err) {
      if (this.signal?.aborted) throw new InterruptedError();
      if (timeout.aborted) throw new UnreachableError('registry', this.url, `no answer within ${this.timeoutMs / 1000} s`);
      if (err instanceof UsageError) throw err;
      throw new UnreachableError('registry', this.url, networkReason(err), 'is the registry running? `streamflow dev status` shows the local one');
    }
    let body: unknown;
    try {
      body = res.text === '' ? undefined : JSON.parse(res.text);
    } catch {
      if (res.status < 500 && res.status !== 401 && res.status !== 403) {
        throw new RegistryServerError(
          `schema registry at ${this.url} answered ${method} ${path.split('?')[0]} with HTTP ${res.status} and no JSON`,
          ExitCode.unreachable,
          res.status,
          undefined,
          URL_HINT,
        );
      }
    }
    if (res.status >= 200 && res.status < 300) return body as T;
    throw registryError(res.status, body, opts.ctx ?? {}, this.url, `${method} ${path.split('?')[0]}`);
  }

  private caBundle(): Promise<Buffer | undefined> {
    const file = this.config.ca;
    if (!file) return Promise.resolve(undefined);
    return (this.ca ??= fs.readFile(file).catch((err: Error) => {
      throw new UsageError(`cannot read the registry CA bundle ${file}: ${err.message}`);
    }));
  }
}

const enc = encodeURIComponent;

function schemaBody(schema: string, kind: SchemaKind): { schema: string; schemaType: SchemaType; references?: SchemaReference[] } {
  return { schema, schemaType: kind.schemaType ?? 'AVRO', ...(kind.references && kind.references.length > 0 ? { references: kind.references } : {}) };
}

function subjectVersion(v: { subject: string; version: number; id: number; schema: string; schemaType?: SchemaType; references?: SchemaReference[] }): SubjectVersion {
  return { subject: v.subject, version: v.version, id: v.id, schema: v.schema, schemaType: v.schemaType ?? 'AVRO', references: v.references ?? [] };
}

function level(body: unknown, url: string): CompatibilityLevel {
  // GET answers {compatibilityLevel}, Confluent's PUT answers {compatibility}.
  const b = (body ?? {}) as { compatibilityLevel?: unknown; compatibility?: unknown };
  const value = b.compatibilityLevel ?? b.compatibility;
  if (typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value)) return value as CompatibilityLevel;
  throw new RegistryServerError(`schema registry at ${url} reported an unknown compatibility level: ${JSON.stringify(value)}`, ExitCode.unreachable, 200, undefined);
}

function networkReason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string }; code?: string };
  const code = e.cause?.code ?? e.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  return code ?? e.cause?.message ?? e.message;
}
