import fs from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfileSummary {
  file: string;
  sampledMs: number;
  /** Share of the samples the process was busy (not idle): the shares below are of busy time. */
  busyShare: number;
  top: SelfTime[];
  /** Busy time per package (node_modules/<name>), our dist folder, or Node/V8. */
  byPackage: Array<{ where: string; share: number }>;
}

export interface SelfTime {
  /** function (file:line), the file relative to the package or node_modules. */
  frame: string;
  selfMs: number;
  share: number;
}

/** The functions with the most self time in a `node --cpu-prof` profile (the newest in `dir`). */
export async function topSelfTime(dir: string, top = 15): Promise<CpuProfileSummary> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const file = path.join(dir, files.at(-1)!);
  const profile = JSON.parse(await fs.readFile(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let idle = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    const where = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/|dist\/)/, '$1');
    const frame = `${functionName || '(anonymous)'}${where ? ` (${where}:${lineNumber + 1})` : ''}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + hits);
    const pkg = where.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? where.match(/^dist\/([^/]+\/[^/]+)/)?.[1] ?? (where.startsWith('node:') || where === '' ? 'node/v8' : where);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const busy = Math.max(1, profile.samples.length - idle);
  const share = (hits: number) => Math.round((hits / busy) * 1000) / 1000;
  return {
    file,
    sampledMs: Math.round(profile.samples.length * msPerSample),
    busyShare: Math.round((busy / Math.max(1, profile.samples.length)) * 1000) / 1000,
    top: [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top).map(([frame, hits]) => ({ frame, selfMs: Math.round(hits * msPerSample), share: share(hits) })),
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([where, hits]) => ({ where, share: share(hits) })),
  };
}

/** The summary as the benchmarks print it: busy share, shares by package, then the top frames. */
export function logProfile(profile: CpuProfileSummary, log: (m: string) => void): void {
  log(`CPU profile ${profile.file}: ${profile.sampledMs} ms sampled, busy ${(profile.busyShare * 100).toFixed(0)}%; shares of busy time by package: ${profile.byPackage.map((p) => `${p.where} ${(p.share * 100).toFixed(0)}%`).join(', ')}; top self time:`);
  for (const f of profile.top) log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.frame}`);
}
