import type { Writable } from 'node:stream';

/** Where a command's result and chatter go. Tests pass their own streams to main(). */
export interface Streams {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
}

/**
 * Results go to stdout (one JSON document with --json, else human text); progress,
 * banners and logs go to stderr so `--json | jq` always parses.
 */
export class Output {
  constructor(
    private readonly streams: Streams,
    readonly json: boolean,
    readonly verbose: boolean,
    readonly color: boolean,
  ) {}

  get interactive(): boolean {
    return Boolean(this.streams.stdout.isTTY) && process.env.CI !== 'true' && !this.json;
  }

  get stdout(): Streams['stdout'] {
    return this.streams.stdout;
  }

  get stderr(): Streams['stderr'] {
    return this.streams.stderr;
  }

  /** The command's result: JSON document under --json, else the human rendering. */
  result(doc: unknown, human: () => string): void {
    if (this.json) this.streams.stdout.write(JSON.stringify(doc) + '\n');
    else this.streams.stdout.write(human().replace(/\n?$/, '\n'));
  }

  /** One JSON document per line, for --watch modes. */
  jsonLine(doc: unknown): void {
    this.streams.stdout.write(JSON.stringify(doc) + '\n');
  }

  info(message: string): void {
    this.streams.stderr.write(message + "\n");
  }

  warn(message: string): void {
    this.streams.stderr.write(this.paint('33', 'warning: ') + message + '\n');
  }

  error(message: string): void {
    this.streams.stderr.write(this.paint('31', 'error: ') + message + '\n');
  }

  debug(message: string): void {
    if (this.verbose) this.streams.stderr.write(this.paint('2', message) + '\n');
  }

  paint(code: string, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

/** Colours only on a TTY, never under CI or NO_COLOR or --no-color. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.CI === 'true') return false;
  return Boolean(stream.isTTY);
}
