import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { executeTopologyPlan, planTopologyOnCluster } from '../src/topics/topology-apply.js';
import { DEFAULT_TOPOLOGY_FILE, readTopologyFile } from '../src/topics/topology-file.js';
import type { PartitionGrowth, TopologyChange } from '../src/topics/topology-plan.js';

type TopologyArgs = GlobalArgs & { file: string; execute: boolean; 'allow-partition-increase': boolean };

const options = (y: Argv<GlobalArgs>) =>
  y
    .option('file', { alias: 'f', type: 'string', default: `./${DEFAULT_TOPOLOGY_FILE}`, describe: 'The topology file' })
    .option('allow-partition-increase', { type: 'boolean', default: false, describe: 'Let apply add partitions (irreversible; re-homes keys)' });

/** Plan the file against the cluster; with `apply`, execute it (or have Kafka validate it in a dry run). */
async function run(argv: TopologyArgs, apply: boolean): Promise<void> {
  const { out } = argv.sf;
  const topology = await readTopologyFile(argv.file);
  const conn = await argv.sf.connection();
  const { brokerCount, plan } = await planTopologyOnCluster(conn, topology);
  if (plan.errors.length > 0) throw new UsageError(`${argv.file} cannot be applied:\n  ${plan.errors.join('\n  ')}`);
  for (const w of plan.changes.flatMap((c) => c.warnings ?? [])) out.warn(w);

  const growing = plan.changes.flatMap((c) => (c.action === 'alter' && c.partitions ? [{ topic: c.topic, partitions: c.partitions }] : []));
  if (growing.length > 0 && !argv['allow-partition-increase']) {
    const message = `adding partitions re-homes keys: ${growing.map((c) => `${c.topic} ${describeGrowth(c.partitions)}`).join('; ')}`;
    if (apply) throw new UsageError(message, 'see `streamflow topic remap-impact` for the safe procedure, then pass --allow-partition-increase');
    out.warn(`${message}; apply needs --allow-partition-increase`);
  }
  const execute = apply && argv.execute;
  if (apply) await executeTopologyPlan(conn, plan, { validateOnly: !execute });

  const summary = { create: 0, alter: 0, unchanged: 0 };
  for (const c of plan.changes) summary[c.action]++;
  out.result({ file: argv.file, executed: execute, brokers: brokerCount, summary, changes: plan.changes }, () => {
    if (summary.create + summary.alter === 0) return `Nothing to change: all ${summary.unchanged} topics of ${argv.file} match the cluster.`;
    const rows = plan.changes.filter((c) => c.action !== 'unchanged').map((c) => [c.action, c.topic, describeChange(c)]);
    const tail = execute
      ? `Applied: ${summary.create} created, ${summary.alter} altered, ${summary.unchanged} unchanged.`
      : `${summary.create} to create, ${summary.alter} to alter, ${summary.unchanged} unchanged. ` +
        (apply ? 'Dry run: nothing was changed (Kafka validated the requests); re-run with --execute to apply.' : 'Apply with `streamflow topology apply --execute`.');
    return [`Topology ${argv.file} on a ${brokerCount}-broker cluster:`, formatTable(['ACTION', 'TOPIC', 'CHANGE'], rows), tail].join('\n');
  });
}

function describeChange(c: TopologyChange): string {
  if (c.action === 'create') {
    return [`${c.partitions} partitions`, `RF ${c.replicationFactor}`, ...Object.entries(c.configs).map(([k, v]) => `${k}=${v}`)].join(', ');
  }
  if (c.action === 'unchanged') return '';
  const parts = c.configs.map((d) => `${d.name} ${d.from ?? '(unset)'} → ${d.to}`);
  if (c.partitions) parts.push(describeGrowth(c.partitions));
  return parts.join(', ');
}

function describeGrowth(p: PartitionGrowth): string {
  return `partitions ${p.from} → ${p.to} (${(p.expectedMovedShare * 100).toFixed(1)}% of keys move)`;
}

const plan: CommandModule<GlobalArgs, TopologyArgs> = {
  command: 'plan',
  describe: 'Show what apply would create, alter or leave unchanged',
  builder: (y) => options(y) as Argv<TopologyArgs>,
  handler: (argv) => run(argv, false),
};

const apply: CommandModule<GlobalArgs, TopologyArgs> = {
  command: 'apply',
  describe: 'Make the cluster match the file (a dry run unless --execute; idempotent)',
  builder: (y) => options(y).option('execute', { type: 'boolean', default: false, describe: 'Really create and alter topics' }) as Argv<TopologyArgs>,
  handler: (argv) => run(argv, true),
};

export const topologyCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(plan).command(apply).demandCommand(1, 'name a topology command: plan, apply') as Argv<GlobalArgs>,
  handler: () => undefined,
};
