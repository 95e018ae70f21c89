/**
 * `npm run bench -- <name> [--json]`: run one benchmark and print its figures beside a
 * reference measured in the same run. Figures, never asserts.
 */
import { benchBatch } from './batch.js';
import { benchConsume } from './consume.js';
import { benchDashboard } from './dashboard.js';
import { benchE2e } from './e2e.js';
import { benchGenerator } from './generator.js';
import { benchLag } from './lag.js';
import { benchRuntime } from './runtime.js';
import { benchStartup } from './startup.js';

const benches: Record<string, (args: string[]) => Promise<Record<string, unknown>>> = {
  batch: benchBatch,
  consume: benchConsume,
  dashboard: benchDashboard,
  e2e: benchE2e,
  generator: benchGenerator,
  lag: benchLag,
  runtime: benchRuntime,
  startup: benchStartup,
};

const [name, ...rest] = process.argv.slice(2).filter((a) => a !== '--json');
const json = process.argv.includes('--json');
const run = name ? benches[name] : undefined;
if (!run) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--json]\n`);
  process.exit(2);
}
const result = await run(rest);
if (json) process.stdout.write(JSON.stringify(result) + '\n');
