import type { Connection } from '../config/resolve-connection.js';
import type { Output } from './output.js';

/** What every command handler gets besides its own options: output, env and the connection. */
export interface CommandContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  /** Resolved once per run: flags > STREAMFLOW_* env > context > local dev stack. */
  connection(): Promise<Connection>;
  /** Aborted on SIGINT/SIGTERM so long-running commands stop cleanly. */
  signal: AbortSignal;
}

export interface GlobalArgs {
  context?: string;
  brokers?: string;
  registry?: string;
  redis?: string;
  json: boolean;
  verbose: boolean;
  color: boolean;
  /** Injected by main(); never a flag. */
  sf: CommandContext;
}
