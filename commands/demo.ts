import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { CheckFailedError, InterruptedError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { runDemo } from '../src/demo/run-demo.js';
import { parseDuration, parseRate } from '../src/cli/flag-values.js';
import { loadDashboard } from '../src/cli/load-dashboard.js';


type DemoArgs = GlobalArgs & { duration: string; rate: string; stall: string; 'stall-for': string; 'fail-rate': number; dashboard: boolean };

export const demoCommand: CommandModule<GlobalArgs, DemoArgs> = {
  builder: (y) =>
    y
      .option('duration', { type: 'string', default: '2m', describe: 'How long the generator runs' })
      .option('rate', { type: 'string', default: '100000/min', describe: 'Peak order rate of the seasonal spike' })
      .option('stall', { type: 'string', default: '3s', describe: 'Payment gateway stall per batch (the seed\'s incident)' })
      .option('stall-for', { type: 'string', default: '45s', describe: 'How long the gateway keeps stalling' })
      .option('fail-rate', { type: 'number', default: 0.02, describe: 'Share of downstream calls failing transiently' })
      .option('dashboard', { type: 'boolean', default: true, describe: 'Open the dashboard in a TTY (--no-dashboard to just print the summary)' }) as Argv<DemoArgs>,
  handler: async (argv) => {
    const { out, env, signal } = argv.sf;
    const interactive = argv.dashboard && out.interactive && Boolean(process.stdin.isTTY);
    const summary = await runDemo({
      flags: { context: argv.context, brokers: argv.brokers, registry: argv.registry, redis: argv.redis },
      env,
      signal,
      durationMs: parseDuration(argv.duration),
      peakPerSec: parseRate(argv.rate, '--rate'),
      stallMs: parseDuration(argv.stall, '--stall'),
      stallForMs: parseDuration(argv['stall-for'], '--stall-for'),
      failRate: argv['fail-rate'],
      log: (m) => out.info(m),
      ...(interactive
        ? {
            dashboard: async (options) => {
              const { runDashboard } = await loadDashboard();
              await runDashboard({ ...options, env, refreshMs: 2_000 });
            },
          }
        : {}),
    });
    const v = summary.verify;
    out.result(summary, () =>
      [
        `Demo run ${summary.runId} (${summary.stack === 'started' ? 'local stack started' : 'existing cluster'}): ${summary.produced.sent.toLocaleString('en-US')} records in ${(summary.produced.durationMs / 1000).toFixed(0)} s, peak ${argv.rate}`,
        formatTable(
          ['SERVICE', 'PROCESSED', 'DUPLICATES', 'RETRIES', 'TO RETRY', 'DLQ', 'PARKED'],
          summary.services.map((s) => [s.service, s.processed, s.duplicates, s.retried, s.forwarded, s.deadLettered, s.parked]),
        ),
        v
          ? `verify: ${v.ok ? 'OK' : 'DISCREPANCIES'}: ${Object.entries(v.services).map(([s, r]) => `${s} ${r.missing} missing/${r.duplicated} duplicated`).join(', ')}; DLQ ${v.dlq.poisonFound}/${v.dlq.poisonExpected} poison, ${v.dlq.unexpected} unexpected; sagas ${v.saga.completed} completed, ${v.saga.compensated} compensated, ${v.saga.cancelled} cancelled, ${v.saga.inconsistent} inconsistent`
          : `interrupted: not verified; drain with \`streamflow consume --service all --until-idle 15s\`, then \`streamflow verify --run ${summary.runId}\``,
      ].join('\n'),
    );
    if (summary.interrupted) throw new InterruptedError(`demo run ${summary.runId} interrupted after ${summary.produced.sent} records`);
    if (!summary.ok) throw new CheckFailedError(`demo run ${summary.runId} does not verify`);
  },
};
