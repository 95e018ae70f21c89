import { ExitCode, StreamflowError } from '../errors.js';

/**
 * What the registry answered when it said no, as typed errors with the exit codes of the README's table.
 * Messages are ours for the well-known Confluent error codes (Apicurio's own wording talks
 * about artifacts and groups), and the registry's for 409/422, where its text is the reason.
 */
export class RegistryResponseError extends StreamflowError {
  constructor(
    message: string,
    exitCode: ExitCode,
    readonly status: number,
    /** Confluent `error_code` (40401, 40402, 40403, 409, 42201...), when the body had one. */
    readonly errorCode: number | undefined,
    hint?: string,
  ) {
    super(message, exitCode, hint);
  }
}

/** Subject, version or schema id does not exist (404): exit 2. */
export class RegistryNotFoundError extends RegistryResponseError {}

/**
 * 401/403. Exit 3 like an unreachable registry: the command could not use it at all.
 * Retriable: the record is not at fault, and the same call works once credentials are fixed.
 */
export class RegistryAuthError extends RegistryResponseError {
  override readonly retriable = true;
}

/** 409 on register: the schema breaks the subject's compatibility level. Exit 1 (a check failed). */
export class IncompatibleSchemaError extends RegistryResponseError {
  constructor(
    readonly subject: string,
    readonly reasons: string[],
    status: number,
    errorCode: number | undefined,
  ) {
    super(`schema is not compatible with subject ${subject}: ${reasons.join('; ')}`, ExitCode.checkFailed, status, errorCode);
  }
}

/** 422: the registry rejected the schema (42201) or the version/level (42202, 42203): exit 2. */
export class RegistryRejectedInputError extends RegistryResponseError {}

/** 5xx or an answer that is not the API's JSON: exit 3, the registry is not usable. */
export class RegistryServerError extends RegistryResponseError {
  override readonly retriable = true;
}

export interface RequestContext {
  subject?: string;
  version?: number | 'latest';
  id?: number;
}

/** `io.apicurio...RuleViolationException: Incompatible...` -> `Incompatible...` */
function stripJavaExceptionPrefix(message: string): string {
  return message.replace(/^(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error): /, '');
}

/** `request` is e.g. "GET /subjects", for answers that do not look like the registry API. */
export function registryError(status: number, body: unknown, ctx: RequestContext, url: string, request: string): RegistryResponseError {
  const b = (body ?? {}) as { error_code?: unknown; message?: unknown };
  const code = typeof b.error_code === 'number' ? b.error_code : undefined;
  const said = typeof b.message === 'string' ? stripJavaExceptionPrefix(b.message) : `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new RegistryAuthError(
      `schema registry at ${url}: authentication failed (HTTP ${status}${status === 403 ? ', not authorised' : ''})`,
      ExitCode.unreachable,
      status,
      code,
      'check the registry username and password (registry.username/passwordEnv of the context, or STREAMFLOW_REGISTRY_USERNAME/_PASSWORD)',
    );
  }
  if (status === 404 && code === undefined) {
    return new RegistryNotFoundError(
      `schema registry at ${url} answered HTTP 404 to ${request} without a registry error: is this the registry's Confluent-compatible API?`,
      ExitCode.usage,
      status,
      code,
      URL_HINT,
    );
  }
  if (status === 404) {
    const subject = ctx.subject ? `subject ${ctx.subject}` : 'subject';
    const message =
      code === 40401 ? `${subject} not found in the schema registry`
      : code === 40402 ? `version ${ctx.version ?? '?'} of ${subject} not found`
      : code === 40403 && ctx.id !== undefined ? `schema id ${ctx.id} not found in the schema registry`
      : code === 40403 ? `schema not found under ${subject}`
      : `not found: ${said}`;
    return new RegistryNotFoundError(message, ExitCode.usage, status, code, code === 40401 ? 'list subjects with `streamflow schema list`' : undefined);
  }
  if (status === 409 && ctx.subject) return new IncompatibleSchemaError(ctx.subject, [said], status, code);
  if (status === 422 || (status >= 400 && status < 500)) {
    return new RegistryRejectedInputError(`schema registry rejected the request: ${said}`, ExitCode.usage, status, code);
  }
  return new RegistryServerError(`schema registry at ${url} failed (HTTP ${status}): ${said}`, ExitCode.unreachable, status, code);
}

export const URL_HINT = 'the URL must be the Confluent-compatible API, e.g. http://host:8081 or, for Apicurio, http://host:8080/apis/ccompat/v7';
