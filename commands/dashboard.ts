import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { UsageError } from '../src/errors.js';
import { requireBrokers } from '../src/config/resolve-connection.js';
import { parseDuration } from '../src/cli/flag-values.js';
import { loadDashboard } from '../src/cli/load-dashboard.js';

type DashboardArgs = GlobalArgs & { refresh: string; 'metrics-url'?: string; view?: string };

const MIN_REFRESH_MS = 250;

export const dashboardCommand: CommandModule<GlobalArgs, DashboardArgs> = {
  builder: (y) =>
    y
      .option('refresh', { type: 'string', default: '2s', describe: 'Refresh every D (e.g. 1s, 5s)' })
      .option('metrics-url', { type: 'string', describe: "The reference services' Prometheus endpoint, e.g. http://127.0.0.1:9464/metrics (consume --metrics-port)" })
      .option('view', { type: 'string', describe: 'Open this view first: cluster, topics, groups, dlq, offsets, schemas or services' }) as Argv<DashboardArgs>,
  handler: async (argv) => {
    const { out, env, signal } = argv.sf;
    if (!out.interactive || !process.stdin.isTTY) {
      throw new UsageError(
        'dashboard needs an interactive terminal (a TTY on stdin and stdout, not CI, no --json)',
        'in scripts use `streamflow lag --watch 2s` (or `lag --json`), `streamflow dlq list`, `streamflow topic list` or `streamflow schema list`',
      );
    }
    const refreshMs = parseDuration(argv.refresh, '--refresh');
    if (refreshMs < MIN_REFRESH_MS) throw new UsageError(`--refresh must be at least ${MIN_REFRESH_MS}ms, got ${argv.refresh}`);
    const metricsUrl = argv['metrics-url'];
    if (metricsUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(metricsUrl)) throw new UsageError(`--metrics-url "${metricsUrl}" is not an http(s) URL`, 'e.g. http://127.0.0.1:9464/metrics');
    const { runDashboard, isViewId } = await loadDashboard();
    if (argv.view !== undefined && !isViewId(argv.view)) throw new UsageError(`--view "${argv.view}" is not a view`, 'views: cluster, topics, groups, dlq, offsets, schemas, services');
    const conn = await argv.sf.connection();
    requireBrokers(conn);
    await runDashboard({
      conn,
      env,
      refreshMs,
      signal,
      color: out.color,
      ...(metricsUrl !== undefined ? { metricsUrl } : {}),
      ...(argv.view !== undefined && isViewId(argv.view) ? { initialView: argv.view } : {}),
    });
  },
};
