import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/config/package-root.js';

/**
 * `streamflow --help` against a bare `node -e 0`, alternated in one run so both see the same
 * machine: the ratio is what counts (goal: within 2.5x), with the load average beside it.
 */
export async function benchStartup(args: string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) || 20 : 20;
  const cli = path.join(packageRoot(), 'bin', 'streamflow');
  const time = (argv: string[]) => {
    const t0 = process.hrtime.bigint();
    execFileSync(process.execPath, argv, { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const bare: number[] = [];
  const help: number[] = [];
  time(['-e', '0']);
  time([cli, '--help']);
  for (let i = 0; i < runs; i++) {
    bare.push(time(['-e', '0']));
    help.push(time([cli, '--help']));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const result = {
    name: 'startup',
    runs,
    helpMs: round(median(help)),
    nodeMs: round(median(bare)),
    ratio: round(median(help) / median(bare)),
    goalRatio: 2.5,
    loadAverage: os.loadavg().map(round),
  };
  process.stderr.write(
    `streamflow --help ${result.helpMs} ms, node -e 0 ${result.nodeMs} ms (medians of ${runs}): ${result.ratio}x (goal 2.5x); load average ${result.loadAverage.join(' ')}\n`,
  );
  return result;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
