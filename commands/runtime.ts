import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { parseDuration, parseRate, positiveInt, positiveNumber } from '../src/cli/flag-values.js';
import { MEASURED_BYTES_PER_ORDER, planStore } from '../src/runtime/store-plan.js';

type PlanArgs = GlobalArgs & { rate: string; window: string; 'bytes-per-order'?: number; 'listpack-entries': number; masters: number };

const plan: CommandModule<GlobalArgs, PlanArgs> = {
  command: 'plan',
  describe: "Size the runtime's Redis state for an order rate and dedup window: memory, and --state-buckets for consume",
  builder: (y) =>
    y
      .option('rate', { type: 'string', demandOption: true, describe: 'Orders per unit at the peak, e.g. 100000/min' })
      .option('window', { type: 'string', default: '7d', describe: 'Dedup window (consume --dedup-ttl), e.g. 24h' })
      .option('bytes-per-order', { type: 'number', describe: `Across the four services [default: ${MEASURED_BYTES_PER_ORDER}, measured by \`npm run bench -- e2e\`]` })
      .option('listpack-entries', { type: 'number', default: 128, describe: "The server's hash-max-listpack-entries" })
      .option('masters', { type: 'number', default: 1, describe: 'Redis masters the state spreads over (a cluster)' })
      .example('$0 runtime plan --rate 100000/min --window 24h --masters 3', '') as Argv<PlanArgs>,
  handler: (argv) => {
    const ordersPerSec = parseRate(argv.rate);
    const windowSec = parseDuration(argv.window, '--window') / 1000;
    const p = planStore({
      ordersPerSec,
      windowSec,
      bytesPerOrder: argv['bytes-per-order'] !== undefined ? positiveNumber('--bytes-per-order', argv['bytes-per-order']) : MEASURED_BYTES_PER_ORDER,
      listpackEntries: positiveInt('--listpack-entries', argv['listpack-entries']),
      masters: positiveInt('--masters', argv.masters),
    });
    argv.sf.out.result({ ordersPerSec, windowSec, ...p }, () =>
      [
        `At ${fmt(Math.round(ordersPerSec * 60))} orders/min with a dedup window of ${argv.window}:`,
        `  orders per window    ${fmt(p.ordersPerWindow)}`,
        `  orders held, at most ${fmt(p.ordersHeld)} (an order is kept one to two windows after its last event)`,
        `  state buckets        consume --state-buckets ${p.buckets} (about ${p.entriesPerHash} orders per hash, under the listpack limit of ${argv['listpack-entries']})`,
        `  Redis memory         ${gib(p.memoryBytes)} at most at ${p.bytesPerOrder} B per order${argv.masters > 1 ? `, ${gib(p.memoryBytesPerMaster)} per master on ${argv.masters} masters (replicas hold as much again)` : ''}`,
        `  Redis settings       hash-max-listpack-entries ${argv['listpack-entries']} and hash-max-listpack-value 64 or more (Redis' defaults); keep maxmemory-policy noeviction: an evicted mark is a double effect`,
      ].join('\n'),
    );
  },
};

export const runtimeCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(plan).demandCommand(1, 'name a runtime command: plan') as Argv<GlobalArgs>,
  handler: () => undefined,
};

const fmt = (n: number) => n.toLocaleString('en-US');
const gib = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
