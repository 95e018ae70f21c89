import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { ProgressLine, bar } from '../src/cli/progress-line.js';
import { requireRegistry } from '../src/config/resolve-connection.js';
import { shippedContractsDir } from '../src/config/package-root.js';
import { resolveCheckoutCodec } from '../src/generator/checkout-codec.js';
import { DEFAULT_BATCH_SIZE, type ProduceProgress, produceCheckout } from '../src/generator/produce-checkout.js';
import { type ProfileName, rateProfile } from '../src/generator/rate-profile.js';
import { newRunId } from '../src/generator/run-manifest.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { parseDuration, parseRate } from '../src/cli/flag-values.js';

type CheckoutArgs = GlobalArgs & {
  count?: number;
  duration?: string;
  rate: string;
  profile: ProfileName;
  key: 'order_id' | 'user_id';
  duplicates: number;
  poison: number;
  seed?: number;
  topic: string;
  users: number;
  'cancel-share': number;
  compression: 'none' | 'gzip';
  idempotent: boolean;
  'batch-size': number;
  'run-id'?: string;
  contracts?: string;
};

const checkout: CommandModule<GlobalArgs, CheckoutArgs> = {
  command: 'checkout',
  describe: 'Write keyed Avro checkout events (OrderCreated, OrderCancelled) at a controlled rate',
  builder: (y) =>
    y
      .option('count', { type: 'number', describe: 'Records to write (duplicates and poison included)' })
      .option('duration', { type: 'string', describe: 'Run for this long, e.g. 2m' })
      .option('rate', { type: 'string', default: '1000/s', describe: 'Peak rate N/s or N/min, or "max" to saturate the broker' })
      .option('profile', { choices: ['steady', 'ramp', 'spike'] as const, default: 'steady' as ProfileName, describe: 'Rate over time: ramp is the seasonal surge' })
      .option('key', { choices: ['order_id', 'user_id'] as const, default: 'order_id' as const, describe: 'Record key (per-key order lives on one partition)' })
      .option('duplicates', { type: 'number', default: 0, describe: 'Share of events resent (same event_id and key), 0..1' })
      .option('poison', { type: 'number', default: 0, describe: 'Share of poison records (bad magic byte, unknown schema id, truncated Avro, invalid business data), 0..1' })
      .option('seed', { type: 'number', describe: 'Make the traffic reproducible' })
      .option('topic', { type: 'string', default: 'checkout.orders', describe: 'Topic to write; another topic needs the contracts under its subjects first: `schema register --dir D --topic T`' })
      .option('users', { type: 'number', default: 10_000, describe: 'Distinct customers (activity is skewed)' })
      .option('cancel-share', { type: 'number', default: 0.05, describe: 'Share of orders later cancelled' })
      .option('compression', { choices: ['none', 'gzip'] as const, default: 'none' as const })
      .option('idempotent', { type: 'boolean', default: true, describe: 'Idempotent producer, acks=all (--no-idempotent to disable)' })
      .option('batch-size', { type: 'number', default: DEFAULT_BATCH_SIZE, describe: 'Records per send' })
      .option('run-id', { type: 'string', describe: 'Name the run (default: generated)' })
      .option('contracts', { type: 'string', describe: 'Contracts folder (default: the shipped schemas/checkout)' }) as Argv<CheckoutArgs>,
  handler: async (argv) => {
    const { out, env, signal } = argv.sf;
    if (argv.count === undefined && argv.duration === undefined) throw new UsageError('give --count N or --duration D', 'e.g. --count 20000 or --duration 2m');
    if (argv.count !== undefined && !(Number.isInteger(argv.count) && argv.count > 0)) throw new UsageError(`--count must be a positive integer, got ${argv.count}`);
    for (const flag of ['duplicates', 'poison', 'cancel-share'] as const) {
      if (!(argv[flag] >= 0 && argv[flag] < 1)) throw new UsageError(`--${flag} is a share between 0 and 1, got ${argv[flag]}`, `e.g. --${flag} 0.01 for 1%`);
    }
    if (!(Number.isInteger(argv['batch-size']) && argv['batch-size'] > 0)) throw new UsageError('--batch-size must be a positive integer');
    const durationMs = argv.duration !== undefined ? parseDuration(argv.duration) : undefined;
    const max = argv.rate.trim().toLowerCase() === 'max';
    const profile = max ? null : rateProfile(argv.profile, parseRate(argv.rate, '--rate'), durationMs !== undefined ? durationMs / 1000 : undefined);
    const conn = await argv.sf.connection();
    const registry = new RegistryClient(requireRegistry(conn), { signal });
    const codec = await resolveCheckoutCodec(registry, argv.contracts ?? shippedContractsDir(), argv.topic);
    const runId = argv['run-id'] ?? newRunId();
    const seed = argv.seed ?? Math.floor(Math.random() * 2 ** 31);
    const progress = new ProgressLine(out.stderr, out.interactive && Boolean(out.stderr.isTTY));
    out.info(`Run ${runId}: writing to ${argv.topic} ${max ? 'as fast as the broker takes it' : `at ${argv.rate} (${argv.profile})`}, seed ${seed}`);
    const summary = await produceCheckout(conn, codec, {
      topic: argv.topic,
      runId,
      ...(argv.count !== undefined ? { count: argv.count } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      profile,
      seed,
      users: argv.users,
      cancelShare: argv['cancel-share'],
      duplicates: argv.duplicates,
      poison: argv.poison,
      keyBy: argv.key,
      idempotent: argv.idempotent,
      compression: argv.compression,
      batchSize: argv['batch-size'],
      env,
      signal,
      // Only when drawn: formatting the line costs the run time otherwise (profiled).
      ...(progress.enabled
        ? {
            onProgress: (p: ProduceProgress) => {
              const done = p.target ? p.sent / p.target : durationMs ? p.elapsedMs / durationMs : 0;
              progress.update(`${bar(done)} ${p.sent.toLocaleString('en-US')} sent  ${Math.round(p.ratePerSec).toLocaleString('en-US')}/s  ack p50 ${p.p50Ms} ms p99 ${p.p99Ms} ms`);
            },
          }
        : {}),
    }).finally(() => progress.done());
    out.result(summary, () =>
      [
        `Run ${summary.runId}: ${summary.sent.toLocaleString('en-US')} records to ${summary.topic} in ${(summary.durationMs / 1000).toFixed(1)} s (${summary.ratePerSec.toLocaleString('en-US')}/s)`,
        `  valid ${summary.valid} (OrderCreated ${summary.created}, OrderCancelled ${summary.cancelled}), duplicates ${summary.duplicates}, poison ${summary.poison} ${JSON.stringify(summary.poisonByKind)}`,
        `  ack latency p50 ${summary.ackLatencyMs.p50} ms, p99 ${summary.ackLatencyMs.p99} ms; errors ${summary.errors}`,
        `  manifest: ${summary.manifest} (check with \`streamflow verify --run ${summary.runId}\`)`,
        ...(summary.interrupted ? [`  interrupted: the manifest covers exactly the acknowledged records${summary.inDoubt > 0 ? ` (and ${summary.inDoubt} in doubt: a send unanswered when it stopped)` : ''}`] : []),
      ].join('\n'),
    );
    if (summary.interrupted) throw new InterruptedError(`interrupted after ${summary.sent} records of run ${summary.runId}`);
  },
};

export const produceCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(checkout).demandCommand(1, 'name what to produce: checkout') as Argv<GlobalArgs>,
  handler: () => undefined,
};
