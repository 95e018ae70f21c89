import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { readKeysFile } from '../src/topics/keys-file.js';
import { partitionForKey } from '../src/topics/partitioner.js';
import { fetchPartitionCount } from '../src/topics/topic-admin.js';
import { partitionCount } from '../src/cli/flag-values.js';

type PartitionArgs = GlobalArgs & { key?: string; 'keys-file'?: string; partitions?: string; topic?: string };

export const partitionCommand: CommandModule<GlobalArgs, PartitionArgs> = {
  builder: (y) =>
    y
      .option('key', { type: 'string', describe: 'The record key (hashed as UTF-8, like StringSerializer)' })
      .option('keys-file', { type: 'string', describe: 'Map every key of this file, one per line' })
      .option('partitions', { type: 'string', describe: 'Partition count (offline)' })
      .option('topic', { type: 'string', describe: 'Or read the partition count of this topic from the cluster' })
      .conflicts('key', 'keys-file')
      .conflicts('partitions', 'topic')
      .example('$0 partition --key order-42 --partitions 12', '')
      .example('$0 partition --keys-file ids.txt --topic checkout.orders --json', '') as Argv<PartitionArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    if (argv.key === undefined && argv['keys-file'] === undefined) throw new UsageError('name the key', 'pass --key K or --keys-file F');
    if (argv.partitions === undefined && argv.topic === undefined) throw new UsageError('name the partition count', 'pass --partitions N or --topic T');
    const keys = argv['keys-file'] !== undefined ? await readKeysFile(argv['keys-file']) : undefined;
    const partitions =
      argv.partitions !== undefined ? partitionCount('--partitions', argv.partitions) : await fetchPartitionCount(await argv.sf.connection(), argv.topic!);
    const topic = argv.topic !== undefined ? { topic: argv.topic } : {};

    if (keys === undefined) {
      const key = argv.key!;
      const partition = partitionForKey(key, partitions);
      out.result({ key, ...topic, partitions, partition }, () => `${JSON.stringify(key)} → partition ${partition} of ${partitions}`);
      return;
    }
    const results = keys.map((key) => ({ key, partition: partitionForKey(key, partitions) }));
    out.result({ ...topic, partitions, results }, () => formatTable(['KEY', 'PARTITION'], results.map((r) => [r.key, r.partition])));
  },
};
