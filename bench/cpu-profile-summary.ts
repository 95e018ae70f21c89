/**
 * `node dist/bench/cpu-profile-summary.js <file.cpuprofile> [--top N]`: self time per function
 * and per file of a `node --cpu-prof` profile, largest first, to see where a run spends its CPU.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist/bench/cpu-profile-summary.js <file.cpuprofile> [--top N]\n');
  process.exit(2);
}
const top = Number(rest[rest.indexOf('--top') + 1] ?? 25) || 25;
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;

// A sample's delta is the time until the next sample: charge it to the sampled node.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  const where = shortFile(node.callFrame.url);
  const fn = `${node.callFrame.functionName || '(anonymous)'}  ${where}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byFile.set(where, (byFile.get(where) ?? 0) + us);
}

const print = (title: string, rows: Map<string, number>) => {
  process.stdout.write(`${title} (total ${(total / 1000).toFixed(0)} ms)\n`);
  for (const [name, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
};
print('self time by function', byFunction);
process.stdout.write('\n');
print('self time by file', byFile);

/** node_modules/<pkg>/... and our dist/... as short, readable paths; builtins and VM entries as they are. */
function shortFile(url: string): string {
  if (!url) return '(native/vm)';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  const dist = p.indexOf('/dist/');
  return dist >= 0 ? p.slice(dist + 1) : path.basename(p);
}
