import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { CheckFailedError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { parseStoreNamespace } from '../src/cli/flag-values.js';
import { fetchVerifyInput } from '../src/runtime/fetch-verify-input.js';
import { verifyRun } from '../src/runtime/verify-run.js';

type VerifyArgs = GlobalArgs & { run: string; 'store-namespace'?: string };

export const verifyCommand: CommandModule<GlobalArgs, VerifyArgs> = {
  builder: (y) =>
    y
      .option('run', { type: 'string', demandOption: true, describe: 'Run id printed by `produce checkout`' })
      .option('store-namespace', { type: 'string', describe: 'The store namespace the services ran in (`consume --store-namespace`)' }) as Argv<VerifyArgs>,
  handler: async (argv) => {
    const { out, env } = argv.sf;
    const storeNamespace = argv['store-namespace'] !== undefined ? parseStoreNamespace(argv['store-namespace']) : undefined;
    const report = verifyRun(await fetchVerifyInput(await argv.sf.connection(), env, argv.run, storeNamespace ? { storeNamespace } : {}));
    out.result(report, () =>
      [
        `Run ${report.runId}: ${report.ok ? 'OK' : 'DISCREPANCIES FOUND'} (${report.expected} events on checkout.orders)`,
        formatTable(
          ['SERVICE', 'ONCE', 'MISSING', 'DUPLICATED', 'EXAMPLES'],
          Object.entries(report.services).map(([s, v]) => [s, v.processedOnce, v.missing, v.duplicated, v.examples.slice(0, 2).join('; ')]),
        ),
        `DLQ: ${report.dlq.poisonFound}/${report.dlq.poisonExpected} poison records in every service DLQ, ${report.dlq.unexpected} unexpected ${report.dlq.unexpectedExamples.join('; ')}${report.dlq.repaired ? `; ${report.dlq.repaired} repaired by dlq edit and applied` : ''}`,
        ...(report.inDoubt.records ? [`In doubt: ${report.inDoubt.records} records of failed sends, ${report.inDoubt.written} of them written (and checked above), the rest left no trace`] : []),
        `Sagas: ${report.saga.orders} orders: ${report.saga.completed} completed, ${report.saga.compensated} compensated, ${report.saga.cancelled} cancelled, ${report.saga.inconsistent} inconsistent${report.saga.expired ? `, ${report.saga.expired} expired (state outlived the dedup window; not checked)` : ''} ${report.saga.examples.join('; ')}`,
      ].join('\n'),
    );
    if (!report.ok) throw new CheckFailedError(`run ${report.runId} does not verify`);
  },
};
