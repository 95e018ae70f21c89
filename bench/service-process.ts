import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/config/package-root.js';
import { BATCH_LATENCY_HISTOGRAM, BATCH_LATENCY_METRIC, COUNTER_METRICS, SERVED_COUNTERS } from '../src/runtime/service-counters.js';

const STREAMFLOW_BIN = path.join(packageRoot(), 'bin', 'streamflow');
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks on every common kernel build. */
const CLOCK_TICKS_PER_SEC = 100;

/** Events handled so far (every outcome counts) and the batch-latency histogram, from one process's /metrics. */
export interface Scrape {
  handled: number;
  /** Cumulative batch counts per upper bound in ms (Infinity last). */
  latency: Array<{ le: number; count: number }>;
  latencyAvgMs: number;
}

/** A streamflow command running as its own process, as deployed. */
export class StreamflowProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private out = '';

  constructor(args: string[], opts: { logFile: string; nodeFlags?: string[]; env?: NodeJS.ProcessEnv }) {
    this.child = spawn(process.execPath, [...(opts.nodeFlags ?? []), STREAMFLOW_BIN, ...args], { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.out += d));
    const log = fs.createWriteStream(opts.logFile);
    this.child.stderr!.pipe(log);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  }

  get pid(): number {
    return this.child.pid!;
  }

  stdout(): string {
    return this.out;
  }

  /** User + system CPU seconds so far (null once the process is gone). */
  cpuSeconds(): number | null {
    try {
      // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
    } catch {
      return null;
    }
  }

  /** SIGTERM (finish and commit the batch in hand), SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

const HANDLED = new Set<string>(SERVED_COUNTERS.filter((c) => c !== 'retried').map((c) => COUNTER_METRICS[c].name));
const SAMPLE = /^([a-z_]+)\{([^}]*)\} (\S+)$/;

/** Scrape a `consume --metrics-port` endpoint; null while it does not answer yet. */
export async function scrapeService(port: number): Promise<Scrape | null> {
  let text: string;
  try {
    text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
  } catch {
    return null;
  }
  const scrape: Scrape = { handled: 0, latency: [], latencyAvgMs: 0 };
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, labels, value] = m as unknown as [string, string, string, string];
    if (HANDLED.has(name)) scrape.handled += Number(value);
    else if (name === `${BATCH_LATENCY_HISTOGRAM.name}_bucket`) {
      const le = /le="([^"]+)"/.exec(labels)![1]!;
      scrape.latency.push({ le: le === '+Inf' ? Infinity : Number(le), count: Number(value) });
    } else if (name === BATCH_LATENCY_METRIC.name) scrape.latencyAvgMs = Number(value);
  }
  return scrape;
}
