import fs from 'node:fs';
import { render } from 'ink';
import { shouldColor } from '../cli/output.js';
import { type Connection, readConfigFile, readLocalContext, requireBrokers, resolveConnection } from '../config/resolve-connection.js';
import { DashboardApp } from './app.js';
import { clusterDashboardSource } from './data/cluster-dashboard-source.js';
import { ScreenSink } from './terminal/screen-sink.js';
import type { ContextSwitcher, DashboardSource, MetricsSource } from './data/dashboard-source.js';
import type { ViewId } from './state/views.js';

export type { MetricsSource } from './data/dashboard-source.js';
export { type ViewId, isViewId } from './state/views.js';

export interface RunDashboardOptions {
  conn: Connection;
  env: NodeJS.ProcessEnv;
  refreshMs: number;
  /** Aborting closes the dashboard (as `q` does). */
  signal: AbortSignal;
  /** Live metrics of services running in this process (the `demo` command's). */
  metricsSource?: MetricsSource;
  /** Otherwise: scrape the services' Prometheus endpoint, e.g. http://127.0.0.1:9464/metrics. */
  metricsUrl?: string;
  initialView?: ViewId;
  /** Default: on a TTY, unless NO_COLOR or CI says otherwise. */
  color?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

// The alternate screen, cursor hidden: the dashboard leaves the shell's screen and history as they were.
const ENTER_SCREEN = '\u001b[?1049h\u001b[2J\u001b[?25l';
const LEAVE_SCREEN = '\u001b[?25h\u001b[?1049l';

/**
 * Open the dashboard on the terminal and resolve when the operator quits (q, Ctrl-C) or the
 * signal aborts. Any redrive or reset still running stops after its step in flight.
 */
export async function runDashboard(opts: RunDashboardOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  // Every source opened (the app closes the ones `:ctx` replaced; closing again is a no-op).
  const opened: DashboardSource[] = [];
  const sourceOf = (conn: Connection) => {
    const source = clusterDashboardSource({
      conn,
      signal: opts.signal,
      ...(opts.metricsSource ? { metricsSource: opts.metricsSource } : {}),
      ...(opts.metricsUrl !== undefined ? { metricsUrl: opts.metricsUrl } : {}),
    });
    opened.push(source);
    return source;
  };
  const contexts: ContextSwitcher = {
    names: await contextNames(opts.env),
    current: opts.conn.context,
    // As at start-up, less the start-up's flags: they chose the first connection, `:ctx` names the next.
    open: async (name) => {
      const conn = await resolveConnection({ context: name }, opts.env);
      requireBrokers(conn);
      return sourceOf(conn);
    },
  };
  const source = sourceOf(opts.conn);
  // STREAMFLOW_FRAME_LOG=FILE (for `npm run bench -- dashboard`): append each frame's ms and bytes.
  const frameLogFile = opts.env.STREAMFLOW_FRAME_LOG;
  const frameLogFd = frameLogFile ? fs.openSync(frameLogFile, 'a') : undefined;
  const screen = new ScreenSink(stdout, frameLogFd === undefined ? undefined : (ms, bytes) => fs.writeSync(frameLogFd, `${ms.toFixed(3)} ${bytes}\n`));
  stdout.write(ENTER_SCREEN);
  // Debug mode hands each whole frame to the sink, which writes only what changed.
  const app = render(
    <DashboardApp source={source} contexts={contexts} refreshMs={opts.refreshMs} color={opts.color ?? shouldColor(stdout, opts.env, undefined)} {...(opts.initialView ? { initialView: opts.initialView } : {})} />,
    { stdout: screen as unknown as NodeJS.WriteStream, stdin, debug: true, exitOnCtrlC: true, patchConsole: false, onRender: ({ renderTime }) => screen.noteRender(renderTime) },
  );
  const close = () => app.unmount();
  opts.signal.addEventListener('abort', close, { once: true });
  if (opts.signal.aborted) close();
  try {
    await app.waitUntilExit();
  } finally {
    opts.signal.removeEventListener('abort', close);
    screen.close();
    if (frameLogFd !== undefined) fs.closeSync(frameLogFd);
    stdout.write(LEAVE_SCREEN);
    await Promise.all(opened.map((s) => s.close()));
  }
}

/** The contexts `:ctx` offers: the config file's, and `local` while a dev stack is up. */
async function contextNames(env: NodeJS.ProcessEnv): Promise<string[]> {
  const names = Object.keys((await readConfigFile(env)).config.contexts);
  if (!names.includes('local') && (await readLocalContext(env))) names.push('local');
  return names;
}
