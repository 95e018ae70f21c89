import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { ProgressLine } from '../src/cli/progress-line.js';
import { formatTable } from '../src/cli/table.js';
import { shippedContractsDir } from '../src/config/package-root.js';
import { DEFAULT_RETRY } from '../src/runtime/retry-policy.js';
import { runServices } from '../src/runtime/run-services.js';
import { SERVICES, type ServiceName } from '../src/runtime/types.js';
import { parseDuration, parseStoreNamespace, parseWaitReplicas, positiveInt } from '../src/cli/flag-values.js';
import { DEFAULT_BUCKETS } from '../src/runtime/store-layout.js';

type ConsumeArgs = GlobalArgs & {
  service: ServiceName | 'all';
  group?: string;
  'until-idle'?: string;
  store: 'redis' | 'memory';
  'redis-wait-replicas': string;
  'dedup-ttl': string;
  'state-buckets'?: number;
  'store-namespace'?: string;
  'fail-rate': number;
  latency?: string;
  'latency-for'?: string;
  retries: number;
  'max-batch': number;
  'metrics-port'?: number;
  contracts?: string;
};

function storeNamespaceOf(text: string, store: 'redis' | 'memory'): string {
  if (store !== 'redis') throw new UsageError('--store-namespace names a part of the Redis store', 'drop it, or use --store redis');
  return parseStoreNamespace(text);
}

export const consumeCommand: CommandModule<GlobalArgs, ConsumeArgs> = {
  builder: (y) =>
    y
      .option('service', { choices: [...SERVICES, 'all'] as const, demandOption: true, describe: 'Which service to run (each has its own consumer group)' })
      .option('group', { type: 'string', describe: 'Consumer group (default <service>-service)' })
      .option('until-idle', { type: 'string', describe: 'Stop after this long without records, e.g. 10s' })
      .option('store', { choices: ['redis', 'memory'] as const, default: 'redis' as const, describe: 'Dedup store: Redis, or embedded memory for one process' })
      .option('redis-wait-replicas', {
        type: 'string',
        default: 'auto',
        describe: 'Replicas each Redis master must hold a batch\'s writes on before its Kafka commit (WAIT), at most as many as it has: N, or auto (1 on a Redis Cluster or when a single Redis has replicas); 0 turns WAIT off',
      })
      .option('dedup-ttl', { type: 'string', default: '7d', describe: 'How long dedup marks live (at least the topics\' retention)' })
      .option('state-buckets', { type: 'number', describe: `Order-state hashes per shard (default: what the store recorded, else ${DEFAULT_BUCKETS}); size them with \`streamflow runtime plan\`` })
      .option('store-namespace', { type: 'string', describe: 'Keep the services\' Redis state apart under this name (its own dedup window), e.g. for a soak run' })
      .option('fail-rate', { type: 'number', default: 0, describe: 'Share of downstream calls failing transiently, 0..1' })
      .option('latency', { type: 'string', describe: 'Stall the payment gateway on each batch, e.g. 3s (the seed\'s payment stall)' })
      .option('latency-for', { type: 'string', describe: 'End the --latency stall this long after the start, e.g. 2m (default: for the whole run)' })
      .option('retries', { type: 'number', default: DEFAULT_RETRY.attempts, describe: 'In-process attempts before a retry topic' })
      .option('max-batch', { type: 'number', default: 2000, describe: 'Records per transaction' })
      .option('metrics-port', { type: 'number', describe: 'Serve Prometheus metrics on 127.0.0.1:PORT/metrics' })
      .option('contracts', { type: 'string', describe: 'Contracts folder (default: the shipped schemas/checkout)' }) as Argv<ConsumeArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    if (!(argv['fail-rate'] >= 0 && argv['fail-rate'] < 1)) throw new UsageError(`--fail-rate is a share between 0 and 1, got ${argv['fail-rate']}`);
    if (!(Number.isInteger(argv.retries) && argv.retries >= 1)) throw new UsageError('--retries must be an integer >= 1');
    const services = argv.service === 'all' ? [...SERVICES] : [argv.service];
    const progress = new ProgressLine(out.stderr, out.interactive && Boolean(out.stderr.isTTY));
    const result = await runServices(await argv.sf.connection(), {
      services,
      ...(argv.group ? { group: argv.group } : {}),
      store: argv.store,
      redisWaitReplicas: parseWaitReplicas(argv['redis-wait-replicas'], '--redis-wait-replicas'),
      ttlSec: Math.round(parseDuration(argv['dedup-ttl'], '--dedup-ttl') / 1000),
      ...(argv['state-buckets'] !== undefined ? { stateBuckets: positiveInt('--state-buckets', argv['state-buckets']) } : {}),
      faults: {
        failRate: argv['fail-rate'],
        latencyMs: argv.latency ? parseDuration(argv.latency, '--latency') : 0,
        ...(argv['latency-for'] ? { latencyUntil: Date.now() + parseDuration(argv['latency-for'], '--latency-for') } : {}),
      },
      retry: { ...DEFAULT_RETRY, attempts: argv.retries },
      maxBatch: argv['max-batch'],
      contractsDir: argv.contracts ?? shippedContractsDir(),
      ...(argv['store-namespace'] !== undefined ? { storeNamespace: storeNamespaceOf(argv['store-namespace'], argv.store) } : {}),
      ...(argv['until-idle'] ? { untilIdleMs: parseDuration(argv['until-idle'], '--until-idle') } : {}),
      ...(argv['metrics-port'] !== undefined ? { metricsPort: argv['metrics-port'] } : {}),
      signal,
      log: (m) => out.info(m),
      warn: (m) => out.warn(m),
      onMetrics: (all) => progress.update(all.map((s) => `${s.service} ${s.processed} (${s.ratePerSec}/s) dlq ${s.deadLettered} retry ${s.forwarded} parked ${s.parked}`).join(' | ')),
    }).finally(() => progress.done());
    const interrupted = result.stoppedBy === 'signal';
    out.result({ ...result, interrupted }, () =>
      [
        `Stopped (${interrupted ? 'interrupted' : 'idle'}); store: ${result.store}`,
        formatTable(
          ['SERVICE', 'PROCESSED', 'DUPLICATES', 'RETRIES', 'TO RETRY', 'DLQ', 'PARKED', 'RELEASED'],
          result.services.map((s) => [s.service, s.processed, s.duplicates, s.retried, s.forwarded, s.deadLettered, s.parked, s.released]),
        ),
      ].join('\n'),
    );
    if (interrupted) throw new InterruptedError('stopped by signal after committing the batch in hand');
  },
};
