/**
 * Typed errors carrying the exit code of CLI.md. Anything thrown below commands/ that is
 * not a StreamflowError is a bug and exits 1 with its stack under --verbose.
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
  constructor(
    readonly service: 'kafka' | 'registry' | 'redis',
    readonly address: string,
    reason: string,
    hint?: string,
  ) {
    super(`cannot reach ${serviceLabel[service]} at ${address}: ${reason}`, ExitCode.unreachable, hint);
  }
}

/** The operator pressed Ctrl-C: exit 130. */
export class InterruptedError extends StreamflowError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}

const serviceLabel = { kafka: 'Kafka broker', registry: 'schema registry', redis: 'Redis' } as const;
