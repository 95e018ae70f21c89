/**
 * Typed errors carrying the exit codes of the README's table. They live on the ground floor
 * (every layer throws them; only src/cli maps them to an exit). Anything thrown below
 * commands/ that is not a StreamflowError is a bug and exits 1 with its stack under --verbose.
 */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  unreachable: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class StreamflowError extends Error {
  /**
   * The same call may succeed later with the same input (a service down, a shutdown that cut
   * it short), as kafkajs' `retriable`: callers that retry or redeliver ask the error.
   */
  readonly retriable: boolean = false;

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** A next step for the operator, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** True when `err` says that retrying the same work may succeed. */
export function isRetriable(err: unknown): boolean {
  return err instanceof StreamflowError && err.retriable;
}

/** Bad flags, input files or config: exit 2. */
export class UsageError extends StreamflowError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

/** A check ran and failed (incompatible schema, lag over threshold, verify mismatch): exit 1. */
export class CheckFailedError extends StreamflowError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.checkFailed, hint);
  }
}

/** Kafka, the registry or Redis could not be reached or timed out: exit 3. */
export class UnreachableError extends StreamflowError {
  override readonly retriable = true;

  constructor(
    readonly service: 'kafka' | 'registry' | 'redis',
    readonly address: string,
    reason: string,
    hint?: string,
  ) {
    super(`cannot reach ${serviceLabel[service]} at ${address}: ${reason}`, ExitCode.unreachable, hint);
  }
}

/** The dedup store could not make a batch durable (e.g. no replica acknowledged it): the batch is redelivered. */
export class StoreError extends StreamflowError {
  override readonly retriable = true;
  override name = 'StoreError';

  constructor(message: string) {
    super(message, ExitCode.unreachable);
  }
}

/** The operator pressed Ctrl-C: exit 130. */
export class InterruptedError extends StreamflowError {
  override readonly retriable = true;

  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}

const serviceLabel = { kafka: 'Kafka broker', registry: 'schema registry', redis: 'Redis' } as const;
