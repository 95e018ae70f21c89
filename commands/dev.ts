import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { formatTable } from '../src/cli/table.js';
import { type PartAction, type StackStatus, devDown, devLogs, devStatus, devUp } from '../src/dev/stack.js';

type UpArgs = GlobalArgs & { brokers?: string; 'kafka-version'?: string; 'registry-version'?: string; 'kafka-only': boolean; secure: boolean; 'redis-cluster'?: boolean };

const up: CommandModule<GlobalArgs, UpArgs> = {
  command: 'up',
  describe: 'Start (or report) the local Kafka + schema registry + Redis stack',
  builder: (y) =>
    y
      .option('kafka-version', { type: 'string', describe: 'Apache Kafka version from Maven Central' })
      .option('registry-version', { type: 'string', describe: 'Apicurio Registry version from Maven Central' })
      .option('kafka-only', { type: 'boolean', default: false, describe: 'Start only Kafka' })
      .option('secure', { type: 'boolean', default: false, describe: 'SASL/SCRAM-SHA-512 over TLS (local CA) and registry basic auth; credentials go to the local context' })
      // No default: left out, a recorded stack keeps its Redis mode.
      .option('redis-cluster', { type: 'boolean', describe: 'A Redis Cluster (3 masters + 3 replicas) instead of one Redis; fixed when the stack is created' }) as Argv<UpArgs>,
  handler: async (argv) => {
    const { out, env } = argv.sf;
    // --brokers is global (host:port) elsewhere; for `dev up` it is the broker count.
    const count = argv.brokers === undefined ? undefined : Number(argv.brokers);
    const result = await devUp({
      ...(count !== undefined ? { brokers: count } : {}),
      ...(argv['kafka-version'] ? { kafkaVersion: argv['kafka-version'] } : {}),
      ...(argv['registry-version'] ? { registryVersion: argv['registry-version'] } : {}),
      kafkaOnly: argv['kafka-only'],
      secure: argv.secure,
      ...(argv['redis-cluster'] !== undefined ? { redisCluster: argv['redis-cluster'] } : {}),
      env,
      log: (m) => out.info(m),
    });
    const parts = (action: PartAction) => Object.keys(result.actions).filter((part) => result.actions[part] === action);
    const [restarted, kept] = [parts('restarted'), parts('kept')];
    out.result(result, () =>
      [
        result.alreadyRunning
          ? 'The local stack is already running:'
          : `Local stack up in ${(result.timings.totalMs / 1000).toFixed(1)} s (fetch ${(result.timings.fetchMs / 1000).toFixed(1)} s, start ${(result.timings.startMs / 1000).toFixed(1)} s):`,
        ...(restarted.length > 0 ? [`Restarted ${restarted.join(', ')} (not answering)${kept.length > 0 ? `; kept running: ${kept.join(', ')}` : ''}.`] : []),
        statusTable(result, result.actions),
        `Commands now use these endpoints (context "local"${result.secure ? ', with its SCRAM, TLS and registry credentials' : ''}); stop with \`streamflow dev down\`.`,
      ].join('\n'),
    );
  },
};

const status: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'Show the local stack: processes and whether each endpoint answers',
  handler: async (argv) => {
    const { out, env } = argv.sf;
    const s = await devStatus(env);
    if (!s) {
      out.result({ kafka: null, registry: null, redis: null }, () => 'No local stack. Start one with `streamflow dev up`.');
      return;
    }
    out.result(s, () => statusTable(s));
  },
};

type DownArgs = GlobalArgs & { purge: boolean };
const down: CommandModule<GlobalArgs, DownArgs> = {
  command: 'down',
  describe: 'Stop the processes `dev up` started (--purge also deletes their data)',
  builder: (y) => y.option('purge', { type: 'boolean', default: false, describe: 'Delete topics, schemas and Redis data too' }) as Argv<DownArgs>,
  handler: async (argv) => {
    const { out, env } = argv.sf;
    const result = await devDown(env, { purge: argv.purge });
    out.result(result, () =>
      result.stopped.length === 0
        ? 'Nothing was running.' + (result.purged ? ' Data purged.' : '')
        : result.stopped.map((s) => `${s.what.padEnd(9)} pid ${s.pid}: ${s.result}`).join('\n') + (result.purged ? '\nData purged.' : '\nData kept (use --purge to delete it).'),
    );
  },
};

type LogsArgs = GlobalArgs & { service?: 'kafka' | 'registry' | 'redis'; lines: number };
const logs: CommandModule<GlobalArgs, LogsArgs> = {
  command: 'logs [service]',
  describe: 'Show the last lines of the stack logs',
  builder: (y) =>
    y
      .positional('service', { choices: ['kafka', 'registry', 'redis'] as const, describe: 'Only this part' })
      .option('lines', { alias: 'n', type: 'number', default: 40, describe: 'Lines per log' }) as Argv<LogsArgs>,
  handler: async (argv) => {
    const { out, env } = argv.sf;
    const files = await devLogs(env, argv.service, argv.lines);
    out.result({ logs: files }, () => files.map((f) => `==> ${f.name}: ${f.file}\n${f.tail}`).join('\n\n'));
  },
};

/** The parts of the stack; with `actions` (from `dev up`), what was done to each. */
function statusTable(s: StackStatus, actions?: Record<string, PartAction>): string {
  const state = (up: boolean) => (up ? 'up' : 'DOWN');
  const rows: Array<Array<string | number>> = s.kafka.brokers.map((b) => [`kafka-${b.id}`, `127.0.0.1:${b.port}`, state(b.up), b.pid ?? '-']);
  if (s.registry) rows.push(['registry', s.registry.url, state(s.registry.up), s.registry.pid ?? '-']);
  if (s.redis?.mode === 'single') rows.push(['redis', s.redis.url, state(s.redis.up), s.redis.pid ?? '-']);
  const cluster = s.redis?.mode === 'cluster' ? s.redis : null;
  if (cluster) {
    const nameOf = new Map(cluster.nodes.map((n) => [n.address, n.name]));
    for (const n of cluster.nodes) {
      const role = n.role === 'replica' ? `replica of ${n.master ? (nameOf.get(n.master) ?? n.master) : '?'}` : n.role === 'master' ? `master ${(n.slots ?? []).join(',') || '(no slots)'}` : '-';
      rows.push([n.name, n.address, state(n.up), n.pid ?? '-', role]);
    }
    for (const row of rows.slice(0, rows.length - cluster.nodes.length)) row.push('-');
  }
  const headers = ['PART', 'ENDPOINT', 'STATE', 'PID', ...(cluster ? ['ROLE'] : [])];
  if (actions) {
    headers.push('ACTION');
    for (const row of rows) row.push(actions[row[0] as string] ?? '-');
  }
  const security = s.secure ? ' (SASL_SSL, SCRAM-SHA-512; registry basic auth)' : '';
  const clusterLine = cluster ? `\nRedis Cluster ${cluster.url} (cluster_state ${cluster.state ?? 'unknown: no node answers'})` : '';
  return `${formatTable(headers, rows)}\nKafka ${s.kafka.version}, bootstrap ${s.kafka.bootstrap}${security}; data in ${s.stateDir}${clusterLine}`;
}

export const devCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(up).command(status).command(down).command(logs).demandCommand(1, 'name a dev command: up, status, down, logs') as Argv<GlobalArgs>,
  handler: () => undefined,
};
