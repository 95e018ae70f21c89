import fs from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { withClusterSession } from '../src/kafka/cluster-session.js';
import { formatOffsetsCsv, parseOffsetsCsv } from '../src/offsets/offsets-csv.js';
import { executeOffsetReset, fetchCommittedOffsets, planTargets, prepareOffsetReset } from '../src/offsets/offset-reset.js';
import { type GroupResetPlan, offsetDelta } from '../src/offsets/plan-offset-reset.js';
import { type ResetMode, type ResetScope, parseResetMode, parseTopicScope } from '../src/offsets/reset-mode.js';

type ResetArgs = GlobalArgs & {
  group: string[];
  topic: string[];
  'all-topics': boolean;
  'to-earliest': boolean;
  'to-latest': boolean;
  'to-current': boolean;
  'to-offset'?: string;
  'shift-by'?: string;
  'to-datetime'?: string;
  'by-duration'?: string;
  'from-file'?: string;
  execute: boolean;
  'dry-run': boolean;
  export?: string;
};

const MODES = ['to-earliest', 'to-latest', 'to-offset', 'shift-by', 'to-datetime', 'by-duration', 'to-current', 'from-file'] as const;

const reset: CommandModule<GlobalArgs, ResetArgs> = {
  command: 'reset',
  describe: "Reset a group's committed offsets like kafka-consumer-groups.sh --reset-offsets (a dry run unless --execute)",
  builder: (y) =>
    y
      .option('group', { alias: 'g', type: 'string', array: true, demandOption: true, describe: 'Consumer group (repeatable)' })
      .option('topic', { alias: 't', type: 'string', array: true, default: [], describe: 'Topic, or TOPIC:P[,P..] for some partitions (repeatable)' })
      .option('all-topics', { type: 'boolean', default: false, describe: 'Every partition the group has committed offsets for' })
      .option('to-earliest', { type: 'boolean', default: false, describe: 'MODE: the log start offset' })
      .option('to-latest', { type: 'boolean', default: false, describe: 'MODE: the log end offset' })
      .option('to-offset', { type: 'string', describe: 'MODE: offset N (clamped to [earliest, latest])' })
      .option('shift-by', { type: 'string', describe: 'MODE: committed offset + N (N may be negative; clamped)' })
      .option('to-datetime', { type: 'string', describe: 'MODE: first offset at or after an ISO-8601 time (UTC without a zone)' })
      .option('by-duration', { type: 'string', describe: 'MODE: first offset at or after now minus an ISO-8601 duration (PT1H, P1D)' })
      .option('to-current', { type: 'boolean', default: false, describe: 'MODE: the committed offset (latest where none)' })
      .option('from-file', { type: 'string', describe: "MODE: offsets from Kafka's CSV (topic,partition,offset or group,topic,partition,offset)" })
      .option('execute', { type: 'boolean', default: false, describe: 'Apply the plan (the group must have no active members)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Only show the plan (the default)' })
      .option('export', { type: 'string', describe: "Also write the plan to this file in Kafka's CSV" }) as Argv<ResetArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    if (argv.execute && argv['dry-run']) throw new UsageError('--execute and --dry-run contradict each other');
    const groups = [...new Set(argv.group)];
    const mode = await resetModeOf(argv, groups);
    const topics = parseTopicScope(argv.topic);
    if (topics.length > 0 && argv['all-topics']) throw new UsageError('give --topic or --all-topics, not both');
    if (mode.kind === 'from-file' && argv['all-topics']) throw new UsageError('--from-file takes its partitions from the file; drop --all-topics (or narrow with --topic)');
    const scope: ResetScope = mode.kind === 'from-file' ? { kind: 'file' } : argv['all-topics'] ? { kind: 'all-topics' } : topics.length > 0 ? { kind: 'topics', topics } : missingScope();

    const plans = await withClusterSession(await argv.sf.connection(), async (session) => {
      const planned = await prepareOffsetReset(session, { groups, scope, mode, ...(mode.kind === 'from-file' && topics.length > 0 ? { narrow: topics } : {}) });
      if (argv.execute) await executeOffsetReset(session, planned);
      return planned;
    });
    if (argv.export !== undefined) {
      await fs.writeFile(argv.export, formatOffsetsCsv(planTargets(plans), groups.length > 1));
      out.info(`Wrote the plan to ${argv.export} (Kafka's CSV; apply it with --from-file).`);
    }
    for (const p of plans) for (const w of p.warnings) out.warn(`${p.group}: ${w}`);
    if (!argv.execute) for (const p of plans) if (p.refusal) out.warn(`${p.refusal} (--execute would be refused)`);
    const docs = plans.map((p) => groupDoc(p, argv.execute));
    out.result(docs.length === 1 ? docs[0] : { executed: argv.execute, groups: docs }, () =>
      [
        ...plans.map(renderPlan),
        argv.execute ? `Committed the new offsets of ${plans.map((p) => p.group).join(', ')}.` : 'Dry run: nothing was changed; re-run with --execute to apply.',
      ].join('\n\n'),
    );
  },
};

async function resetModeOf(argv: ResetArgs, groups: string[]): Promise<ResetMode> {
  const given = MODES.filter((m) => argv[m] !== undefined && argv[m] !== false);
  if (given.length !== 1) {
    throw new UsageError(given.length === 0 ? 'name how to reset: one MODE flag' : `give one MODE, not ${given.map((m) => `--${m}`).join(' and ')}`, `MODE: ${MODES.map((m) => `--${m}`).join(' | ')}`);
  }
  switch (given[0]!) {
    case 'to-earliest':
      return { kind: 'to-earliest' };
    case 'to-latest':
      return { kind: 'to-latest' };
    case 'to-current':
      return { kind: 'to-current' };
    case 'to-offset':
    case 'shift-by':
    case 'to-datetime':
    case 'by-duration':
      return parseResetMode(given[0], argv[given[0]]!);
    case 'from-file': {
      const file = argv['from-file']!;
      const text = await fs.readFile(file, 'utf8').catch((err: Error) => {
        throw new UsageError(`cannot read --from-file ${file}: ${err.message}`);
      });
      return { kind: 'from-file', offsets: parseOffsetsCsv(text, groups, file) };
    }
  }
}

function missingScope(): never {
  throw new UsageError('name the partitions to reset: --topic T[:p,..] (repeatable) or --all-topics');
}

function groupDoc(p: GroupResetPlan, executed: boolean) {
  return {
    group: p.group,
    executed,
    state: p.state,
    plan: p.offsets.map((o) => ({ topic: o.topic, partition: o.partition, current: o.current?.toString() ?? null, target: o.target.toString(), delta: offsetDelta(o), ...(o.note ? { note: o.note } : {}) })),
    warnings: p.warnings,
    activeMembers: p.activeMembers.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host })),
  };
}

function renderPlan(p: GroupResetPlan): string {
  if (p.offsets.length === 0) return `group ${p.group} (${p.state}): nothing to reset.`;
  const rows = p.offsets.map((o) => {
    const d = offsetDelta(o);
    return [o.topic, o.partition, o.current?.toString() ?? '-', o.target.toString(), d === null ? '-' : d > 0 ? `+${d}` : d];
  });
  return [`group ${p.group} (${p.state}):`, formatTable(['TOPIC', 'PARTITION', 'CURRENT', 'NEW', 'DELTA'], rows).replace(/^/gm, '  ')].join('\n');
}

type ExportArgs = GlobalArgs & { group: string[]; topic?: string; out?: string };
const exportOffsets: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export',
  describe: "Save a group's committed offsets in Kafka's CSV (a rollback point for offsets reset --from-file)",
  builder: (y) =>
    y
      .option('group', { alias: 'g', type: 'string', array: true, demandOption: true, describe: 'Consumer group (repeatable)' })
      .option('topic', { alias: 't', type: 'string', describe: 'Only this topic' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file [default: stdout]' }) as Argv<ExportArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const groups = [...new Set(argv.group)];
    const offsets = await withClusterSession(await argv.sf.connection(), (session) => fetchCommittedOffsets(session, groups, argv.topic));
    const csv = formatOffsetsCsv(offsets, groups.length > 1);
    if (argv.out !== undefined) {
      await fs.writeFile(argv.out, csv);
      out.info(`Wrote ${[...offsets.values()].flat().length} committed offsets to ${argv.out}.`);
    }
    const doc = {
      file: argv.out ?? null,
      groups: [...offsets].map(([group, rows]) => ({ group, offsets: rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset.toString() })) })),
    };
    if (out.json) out.result(doc, () => '');
    else if (argv.out === undefined) out.stdout.write(csv);
    else out.result(doc, () => `Restore with: streamflow offsets reset ${groups.map((g) => `--group ${g}`).join(' ')} --from-file ${argv.out} --execute`);
  },
};

export const offsetsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(reset).command(exportOffsets).demandCommand(1, 'name a subcommand: reset or export') as Argv<GlobalArgs>,
  handler: () => undefined,
};
