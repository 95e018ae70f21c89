import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { CheckFailedError, UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { type ConfigChangePlan, executeConfigChange, parseConfigAssignments, prepareConfigChange, sourceLabel } from '../src/topics/config-change.js';
import { readKeysFile } from '../src/topics/keys-file.js';
import { DEFAULT_COUNT_LIMIT, countText } from '../src/topics/record-count.js';
import { type PartitionPlan, planPartitions } from '../src/topics/partition-sizing.js';
import { type PartitionIncreasePlan, executePartitionIncrease, planPartitionIncrease } from '../src/topics/partition-increase.js';
import { type RemapImpact, remapReport, sampleKeys } from '../src/topics/remap-impact.js';
import { fetchPartitionCount, listTopics } from '../src/topics/topic-admin.js';
import { type TopicDifference, createTopicWithDefaults, topicConflictHint } from '../src/topics/topic-create.js';
import { executeTopicDelete, planTopicDelete } from '../src/topics/topic-delete.js';
import { type TopicDescription, describeTopic } from '../src/topics/topic-describe.js';
import { consumeCommand } from './topic-consume.js';
import { produceCommand } from './topic-produce.js';
import { atLeastOne, nonNegativeInt, parseGrowth, parseRate, partitionCount, positiveInt, positiveNumber } from '../src/cli/flag-values.js';

type ListArgs = GlobalArgs & { internal: boolean };
const list: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'List topics with partition count and replication factor',
  builder: (y) => y.option('internal', { type: 'boolean', default: false, describe: 'Include internal topics (__consumer_offsets, ...)' }) as Argv<ListArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const topics = await listTopics(await argv.sf.connection(), { includeInternal: argv.internal });
    out.result({ topics }, () =>
      topics.length === 0 ? 'No topics.' : formatTable(['TOPIC', 'PARTITIONS', 'RF'], topics.map((t) => [t.name, t.partitions, t.replicationFactor])),
    );
  },
};

type CreateArgs = GlobalArgs & { name: string; partitions: string; 'replication-factor'?: string; config: string[] };
const create: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <name>',
  describe: 'Create a partitioned topic (RF 3 and min.insync.replicas 2 on 3+ brokers, else RF 1); exit 1 if it exists with other settings',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('partitions', { alias: 'p', type: 'string', demandOption: true, describe: 'Partition count (see `topic plan`)' })
      .option('replication-factor', { alias: 'r', type: 'string', describe: 'Replicas per partition [default: 3 on 3+ brokers, else 1]' })
      .option('config', { type: 'string', array: true, default: [], describe: 'Topic config k=v (repeatable)' }) as Argv<CreateArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const request = {
      name: argv.name,
      partitions: partitionCount('--partitions', argv.partitions),
      ...(argv['replication-factor'] !== undefined ? { replicationFactor: positiveInt('--replication-factor', argv['replication-factor']) } : {}),
      configs: parseConfigAssignments(argv.config, '--config'),
    };
    const { plan, created, differences } = await createTopicWithDefaults(await argv.sf.connection(), request);
    const { spec } = plan;
    for (const d of plan.defaulted) out.info(`default: ${d}`);
    for (const w of plan.warnings) out.warn(w);
    out.result({ ...spec, created, differences, warnings: plan.warnings }, () =>
      created
        ? `Created topic ${spec.name}: ${[`${spec.partitions} partitions`, `replication factor ${spec.replicationFactor}`, ...Object.entries(spec.configs).map(([k, v]) => `${k}=${v}`)].join(', ')}.`
        : differences.length === 0
          ? `Topic ${spec.name} already exists as requested; nothing changed (see \`streamflow topic describe ${spec.name}\`).`
          : renderDifferences(spec.name, differences),
    );
    // As kafka-topics.sh: an existing topic that is not what was asked for fails the command.
    if (differences.length > 0) {
      throw new CheckFailedError(`topic ${spec.name} already exists with other ${differences.map((d) => d.setting).join(', ')}; nothing changed`, topicConflictHint(spec.name, differences));
    }
  },
};

function renderDifferences(name: string, diffs: TopicDifference[]): string {
  return [
    `Topic ${name} already exists with other settings; nothing changed:`,
    formatTable(['SETTING', 'EXISTING', 'REQUESTED'], diffs.map((d) => [d.setting, d.existing ?? '(not set)', `${d.requested}${d.defaulted ? ' (default)' : ''}`])),
  ].join('\n');
}

type NameArgs = GlobalArgs & { name: string };
type DescribeArgs = NameArgs & { 'count-limit': string };
const describe: CommandModule<GlobalArgs, DescribeArgs> = {
  command: 'describe <name>',
  describe: 'Partitions (leader, replicas, ISR, offsets, records) and configs of a topic',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('count-limit', {
        type: 'string',
        default: String(DEFAULT_COUNT_LIMIT),
        describe: 'Count records (by reading them) when the topic spans at most this many offsets; beyond it records are null and only offsets are shown',
      }) as Argv<DescribeArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const topic = await describeTopic(await argv.sf.connection(), argv.name, nonNegativeInt('--count-limit', argv['count-limit']));
    out.result(topic, () => renderDescription(topic));
  },
};

/** Effective configs worth seeing even when nobody set them on the topic. */
const KEY_CONFIGS = ['cleanup.policy', 'retention.ms', 'retention.bytes', 'min.insync.replicas', 'max.message.bytes', 'compression.type'];

function renderDescription(t: TopicDescription): string {
  const under = t.partitions.filter((p) => p.underReplicated).length;
  const offline = t.partitions.filter((p) => p.leader === null).length;
  const state = (p: TopicDescription['partitions'][number]) => (p.leader === null ? 'OFFLINE' : p.underReplicated ? 'UNDER-REPLICATED' : 'ok');
  const rows = t.partitions.map((p) => [p.partition, p.leader ?? '-', p.replicas.join(','), p.isr.join(','), p.earliestOffset, p.latestOffset, p.offsets, p.records ?? '-', state(p)]);
  const defaults = KEY_CONFIGS.filter((k) => !t.overrides.includes(k) && t.configs[k] !== undefined).map((k) => `${k}=${t.configs[k]}`);
  return [
    `Topic ${t.name}: ${t.partitions.length} partitions, replication factor ${t.replicationFactor}, ${countText(t)}` +
      (under ? `, ${under} under-replicated` : '') +
      (offline ? `, ${offline} OFFLINE` : ''),
    formatTable(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST', 'LATEST', 'OFFSETS', 'RECORDS', 'STATE'], rows),
    t.overrides.length ? `Set on the topic: ${t.overrides.map((k) => `${k}=${t.configs[k] ?? '(hidden)'}`).join(', ')}` : 'Set on the topic: nothing',
    ...(defaults.length ? [`Inherited: ${defaults.join(', ')}`] : []),
  ].join('\n');
}

type ExecuteArgs = NameArgs & { execute: boolean };
const del: CommandModule<GlobalArgs, ExecuteArgs> = {
  command: 'delete <name>',
  describe: 'Delete a topic and its data (a dry run unless --execute)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('execute', { type: 'boolean', default: false, describe: 'Really delete it' }) as Argv<ExecuteArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const conn = await argv.sf.connection();
    const plan = planTopicDelete(await describeTopic(conn, argv.name));
    if (argv.execute) await executeTopicDelete(conn, plan);
    const what = `topic ${plan.topic}: ${plan.partitions} partitions, replication factor ${plan.replicationFactor}, ${countText(plan)}`;
    out.result({ ...plan, executed: argv.execute }, () => (argv.execute ? `Deleted ${what}.` : `Would delete ${what}.\nDry run: nothing was changed; re-run with --execute to delete it.`));
  },
};

type AddPartitionsArgs = ExecuteArgs & { to: string; 'keys-file'?: string };
const addPartitions: CommandModule<GlobalArgs, AddPartitionsArgs> = {
  command: 'add-partitions <name>',
  describe: 'Grow a topic to --to partitions, showing which keys move (a dry run unless --execute)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('to', { type: 'string', demandOption: true, describe: 'The new partition count' })
      .option('keys-file', { type: 'string', describe: 'Measure the remap on these keys (one per line) instead of synthetic order ids' })
      .option('execute', { type: 'boolean', default: false, describe: 'Really add the partitions (irreversible)' }) as Argv<AddPartitionsArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const to = partitionCount('--to', argv.to);
    const keys = argv['keys-file'] !== undefined ? await readKeysFile(argv['keys-file']) : undefined;
    const conn = await argv.sf.connection();
    const from = await fetchPartitionCount(conn, argv.name);
    const plan = planPartitionIncrease(argv.name, from, to, keys);
    if (!plan) {
      out.result({ topic: argv.name, from, to, executed: false, remap: null, procedure: [] }, () => `${argv.name} already has ${from} partitions; nothing to change.`);
      return;
    }
    // Without --execute Kafka still validates the request, so the dry run catches what --execute would hit.
    await executePartitionIncrease(conn, plan, { validateOnly: !argv.execute });
    out.result({ topic: plan.topic, from, to, executed: argv.execute, remap: plan.remap, procedure: plan.procedure }, () => renderPartitionIncrease(plan, argv.execute));
  },
};

function renderPartitionIncrease(plan: PartitionIncreasePlan, executed: boolean): string {
  return [
    executed ? `Grew ${plan.topic} from ${plan.from} to ${plan.to} partitions.` : `Would grow ${plan.topic} from ${plan.from} to ${plan.to} partitions.`,
    renderRemap(plan.remap),
    '',
    ...plan.procedure,
    ...(executed ? [] : ['', 'Dry run: nothing was changed (Kafka validated the request); re-run with --execute to add the partitions.']),
  ].join('\n');
}

function renderRemap(r: RemapImpact): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `${pct(r.movedShare)} of ${r.keys.toLocaleString('en-US')} keys change partition (${pct(r.expectedMovedShare)} expected).`,
    formatTable(
      ['FROM PARTITION', 'KEYS', 'STAY', 'MOVE', 'MOVED'],
      r.byPartition.map((p) => [p.partition, p.keys, p.stayed, p.moved, p.keys ? pct(p.moved / p.keys) : '-']),
    ),
  ].join('\n');
}

type AlterConfigArgs = ExecuteArgs & { set: string[]; delete: string[] };
const alterConfig: CommandModule<GlobalArgs, AlterConfigArgs> = {
  command: 'alter-config <name>',
  describe: 'Set (--set k=v) or remove (--delete k) topic configs, others untouched (a dry run unless --execute)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('set', { type: 'string', array: true, default: [], describe: 'Set a topic config k=v (repeatable)' })
      .option('delete', { type: 'string', array: true, default: [], describe: 'Remove a topic-level config k, reverting to the broker default (repeatable)' })
      .option('execute', { type: 'boolean', default: false, describe: 'Really change the configs' }) as Argv<AlterConfigArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const set = parseConfigAssignments(argv.set, '--set');
    const deletes = argv.delete.map((k) => k.trim());
    if (Object.keys(set).length === 0 && deletes.length === 0) throw new UsageError('nothing to change', 'pass --set k=v and/or --delete k');
    if (deletes.some((k) => k === '' || k.includes('='))) throw new UsageError(`--delete takes config names, not k=v: ${deletes.find((k) => k === '' || k.includes('='))}`);
    const conn = await argv.sf.connection();
    const plan = await prepareConfigChange(conn, argv.name, set, deletes);
    for (const w of plan.warnings) out.warn(w);
    await executeConfigChange(conn, plan, { validateOnly: !argv.execute });
    out.result({ topic: plan.topic, executed: argv.execute, changes: plan.changes }, () => renderConfigChange(plan, argv.execute));
  },
};

function renderConfigChange(plan: ConfigChangePlan, executed: boolean): string {
  const changed = plan.changes.some((c) => c.action !== 'unchanged');
  const rows = plan.changes.map((c) => [c.name, c.action, `${c.from ?? '(hidden)'} (${sourceLabel(c.fromSource)})`, c.to ?? '(broker default)']);
  return [
    formatTable(['CONFIG', 'ACTION', 'OLD', 'NEW'], rows),
    !changed
      ? 'Nothing to change.'
      : executed
        ? `Changed the configs of ${plan.topic}.`
        : 'Dry run: nothing was changed (Kafka validated the new configs); re-run with --execute to apply.',
  ].join('\n');
}

type RemapArgs = GlobalArgs & { partitions: string; to: string; 'keys-file'?: string; sample?: string; seed?: string };
const remapImpact: CommandModule<GlobalArgs, RemapArgs> = {
  command: 'remap-impact',
  describe: 'Which keys change partition when a topic grows, and how to grow it safely (offline)',
  builder: (y) =>
    y
      .option('partitions', { type: 'string', demandOption: true, describe: 'Partition count now' })
      .option('to', { type: 'string', demandOption: true, describe: 'Partition count after' })
      .option('keys-file', { type: 'string', describe: 'Your keys, one per line (e.g. recent order ids)' })
      .option('sample', { type: 'string', describe: 'Else: this many synthetic order ids (UUIDs) [default: 10000]' })
      .option('seed', { type: 'string', describe: 'Seed of the synthetic sample [default: 1]' })
      .conflicts('keys-file', ['sample', 'seed']) as Argv<RemapArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const from = partitionCount('--partitions', argv.partitions);
    const to = partitionCount('--to', argv.to);
    let keys: string[];
    let sample: string;
    if (argv['keys-file'] !== undefined) {
      keys = await readKeysFile(argv['keys-file']);
      sample = `keys from ${argv['keys-file']}`;
    } else {
      const size = positiveInt('--sample', argv.sample ?? '10000');
      const seed = Number(argv.seed ?? '1');
      if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got "${argv.seed}"`);
      keys = sampleKeys(size, seed);
      sample = `synthetic order ids (seed ${seed})`;
    }
    const report = remapReport(keys, from, to, sample);
    out.result(report, () =>
      [`Remap ${from} → ${to} partitions, measured on ${report.keys.toLocaleString('en-US')} ${sample}:`, renderRemap(report), ...(report.procedure ? ['', ...report.procedure] : [])].join('\n'),
    );
  },
};

type PlanArgs = GlobalArgs & { peak: string; 'per-consumer': string; growth?: string; years?: string; 'per-partition'?: string; headroom?: string };
const plan: CommandModule<GlobalArgs, PlanArgs> = {
  command: 'plan',
  describe: 'Recommend a partition count from peak rate, consumer throughput and growth (offline)',
  builder: (y) =>
    y
      .option('peak', { type: 'string', demandOption: true, describe: "Today's peak, e.g. 100000/min or 2000/s" })
      .option('per-consumer', { type: 'string', demandOption: true, describe: 'What one consumer instance sustains, e.g. 2000/s' })
      .option('growth', { type: 'string', describe: 'Growth of the peak over the horizon, e.g. 3x' })
      .option('years', { type: 'string', describe: 'Length of that horizon (shows the yearly rate)' })
      .option('per-partition', { type: 'string', describe: 'Planned limit per partition [default: 5000/s]' })
      .option('headroom', { type: 'string', describe: 'Spare capacity factor [default: 1.5]' }) as Argv<PlanArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const result: PartitionPlan = planPartitions({
      peakPerSec: parseRate(argv.peak, '--peak'),
      perConsumerPerSec: parseRate(argv['per-consumer'], '--per-consumer'),
      ...(argv.growth !== undefined ? { growthFactor: parseGrowth(argv.growth, '--growth') } : {}),
      ...(argv.years !== undefined ? { years: positiveNumber('--years', argv.years) } : {}),
      ...(argv['per-partition'] !== undefined ? { perPartitionPerSec: parseRate(argv['per-partition'], '--per-partition') } : {}),
      ...(argv.headroom !== undefined ? { headroom: atLeastOne('--headroom', argv.headroom) } : {}),
    });
    out.result(result, () => [`Recommended: ${result.partitions} partitions.`, '', ...result.reasoning.map((r) => `- ${r}`)].join('\n'));
  },
};

export const topicCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) =>
    y
      .command(list)
      .command(create)
      .command(describe)
      .command(del)
      .command(addPartitions)
      .command(alterConfig)
      .command(remapImpact)
      .command(plan)
      .command(consumeCommand)
      .command(produceCommand)
      .demandCommand(1, 'name a topic command: list, create, describe, delete, add-partitions, alter-config, remap-impact, plan, consume, produce') as Argv<GlobalArgs>,
  handler: () => undefined,
};
