import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StreamflowError } from '../../src/errors.js';
import { parseSoakArgs, renderSoakReport, soakExitCode } from './soak-args.js';
import { runSoak } from './soak-run.js';

/*
 * `npm run test:soak -- [--rate 1667/s] [--duration 30m] [--window 2m] [--sample 10s]
 * [--drain-limit 10m] [--redis-cluster | --use-stack] [--out DIR] [--json]`: the generator and
 * the four services together for a long time, sampling memory and lag. Progress goes to
 * stderr; the summary to stdout (with --json exactly one JSON document). Exit 0 when memory is
 * flat after the dedup window filled, the lag drained and verify is ok; 1 otherwise (the
 * failures say why); 2 on bad flags; 130 when interrupted (the private stack is torn down).
 */

let args;
try {
  args = parseSoakArgs(process.argv.slice(2));
} catch (err) {
  const e = err as StreamflowError;
  process.stderr.write(`${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
  process.exit(2);
}
const outDir = args.out ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-soak-')));
const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
log(`soak: figures, samples and soak.png go to ${outDir}`);
// Ctrl-C: stop sampling, stop the processes, tear the private stack down, exit 130.
const interrupt = new AbortController();
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // The first stops the run; a second one must not leave a private stack running: it only says so.
    if (signals++ === 0) interrupt.abort();
    else if (signals < 4) log('soak: still stopping the processes and the private stack; a few more signals end it at once (the stack then stays up)');
    else process.exit(130);
  });
}
runSoak({ ...args, outDir, env: process.env, signal: interrupt.signal, log }).then(
  (report) => {
    process.stdout.write(args.json ? JSON.stringify(report) + '\n' : renderSoakReport(report));
    process.exitCode = soakExitCode(report);
  },
  (err: Error) => {
    process.stderr.write(`soak failed: ${err.stack ?? err.message}\n`);
    process.exitCode = interrupt.signal.aborted ? 130 : 1;
  },
);
