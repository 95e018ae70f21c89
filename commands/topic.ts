import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { UsageError } from '../src/cli/errors.js';
import { formatTable } from '../src/cli/table.js';
import { createTopic, listTopics } from '../src/topics/topic-admin.js';

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

type CreateArgs = GlobalArgs & { name: string; partitions: number; 'replication-factor': number; config: string[] };
const create: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <name>',
  describe: 'Create a partitioned topic',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('partitions', { alias: 'p', type: 'number', demandOption: true, describe: 'Partition count' })
      .option('replication-factor', { alias: 'r', type: 'number', default: 1, describe: 'Replicas per partition' })
      .option('config', { type: 'string', array: true, default: [], describe: 'Topic config k=v (repeatable)' }) as Argv<CreateArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    if (!Number.isInteger(argv.partitions) || argv.partitions < 1) throw new UsageError('--partitions must be a positive integer');
    const configs = Object.fromEntries(
      argv.config.map((kv) => {
        const i = kv.indexOf('=');
        if (i <= 0) throw new UsageError(`--config "${kv}" is not key=value`);
        return [kv.slice(0, i), kv.slice(i + 1)];
      }),
    );
    const spec = { name: argv.name, partitions: argv.partitions, replicationFactor: argv['replication-factor'], configs };
    const created = await createTopic(await argv.sf.connection(), spec);
    out.result({ ...spec, created }, () =>
      created ? `Created topic ${spec.name} (${spec.partitions} partitions, RF ${spec.replicationFactor}).` : `Topic ${spec.name} already exists; nothing changed.`,
    );
  },
};

export const topicCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'topic <command>',
  describe: 'Create, list and inspect topics',
  builder: (y) => y.command(list).command(create).demandCommand(1, 'name a topic command') as Argv<GlobalArgs>,
  handler: () => undefined,
};
