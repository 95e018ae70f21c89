import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { int64, nonNegativeInt } from '../src/cli/flag-values.js';
import { UsageError } from '../src/errors.js';
import { parseFieldSet } from '../src/dlq/dlq-edit.js';
import { type EditResult, runDlqEdit } from '../src/dlq/dlq-edit-run.js';

type EditArgs = GlobalArgs & { topic: string; partition: string; offset: string; set: string[]; editor: boolean; to?: string; execute: boolean };

export const edit: CommandModule<GlobalArgs, EditArgs> = {
  command: 'edit <topic>',
  describe: 'Fix one dead-lettered record (--set or --editor) and resend it (a dry run unless --execute)',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', demandOption: true, describe: 'The DLQ topic' })
      .option('partition', { alias: 'p', type: 'string', demandOption: true, describe: 'The record\'s partition in the DLQ' })
      .option('offset', { alias: 'o', type: 'string', demandOption: true, describe: 'The record\'s offset in the DLQ' })
      .option('set', { type: 'string', array: true, default: [], describe: 'PATH=VALUE, repeatable: a dotted field path (items.0.sku); VALUE as JSON when it parses, else text' })
      .option('editor', { type: 'boolean', default: false, describe: 'Edit the whole value as JSON in $VISUAL or $EDITOR (default vi)' })
      .option('to', { type: 'string', describe: 'Send to this topic instead of the original topic' })
      .option('execute', { type: 'boolean', default: false, describe: 'Really send (the DLQ itself is never changed)' }) as Argv<EditArgs>,
  handler: async (argv) => {
    const { out, env, signal } = argv.sf;
    if ((argv.set.length > 0) === argv.editor) throw new UsageError('say how to edit the record: --set PATH=VALUE (repeatable) or --editor, not both');
    const offset = int64('--offset', argv.offset);
    if (offset < 0n) throw new UsageError(`--offset must be 0 or more, got ${offset}`);
    const result = await runDlqEdit(await argv.sf.connection(), {
      topic: argv.topic,
      partition: nonNegativeInt('--partition', argv.partition),
      offset,
      edit: argv.editor ? { editor: env.VISUAL || env.EDITOR || 'vi' } : { sets: argv.set.map(parseFieldSet) },
      execute: argv.execute,
      signal,
      ...(argv.to !== undefined ? { to: argv.to } : {}),
    });
    out.result(result, () => renderEdit(result));
  },
};

function renderEdit(r: EditResult): string {
  const lines = [`Edit of ${r.dlq}/${r.partition}/${r.offset} -> ${r.target} (subject ${r.subject}, schema id ${r.schemaId}):`];
  for (const c of r.changes) lines.push(`  ${c.path}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`);
  lines.push(r.executed ? `Sent to ${r.target} as edit ${r.editId} (audited).` : 'Dry run: nothing was sent; re-run with --execute to send it.');
  return lines.join('\n');
}
