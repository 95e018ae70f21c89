import fs from 'node:fs/promises';
import path from 'node:path';
import { signal, sleep } from '../../src/dev/processes.js';
import { type RunCounts, type RunManifest, runDir } from '../../src/generator/run-manifest.js';
import { type Running, startStreamflow } from './cli-process.js';

/**
 * The checkout traffic of a chaos run: `count` records at `rate` from one generator run. A run
 * the generator gives up on (it exits when a broker stays unreachable through all its
 * retries) is continued by a new run for the rest of its records. Should the generator finish
 * while faults are still being injected, a tail run keeps traffic flowing, so a recovery
 * always has work to show; the tail is stopped with SIGTERM, after which its manifest covers
 * exactly the records Kafka acknowledged. Every run is verified on its own.
 */
/** A tail run only has to keep some traffic flowing. */
const TAIL_RATE = 20;

export class Traffic {
  readonly runIds: string[] = [];
  private readonly runs: Running[] = [];
  private tail: Running | undefined;
  private tailId = '';
  private stopping = false;
  private running = 0;
  private failure: string | undefined;
  /** Generator runs that exited with an error and were continued by a new run. */
  restarts = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
    private readonly seed: number,
    private readonly log: (m: string) => void,
  ) {}

  start(runId: string, count: number, rate: number): void {
    this.running = 1;
    this.write(runId, count, rate, () => {
      if (--this.running === 0 && !this.stopping && !this.failure) {
        this.log('chaos: the generator finished while faults remain: a tail run keeps traffic flowing');
        this.startTail(`${runId}-tail`, Math.min(rate, TAIL_RATE));
      }
    });
  }

  /**
   * The tail runs until stop(). One that exits before (e.g. it started while the registry was
   * frozen, or a broker kill outlasted its retries) is followed by a new one: its records so
   * far are in its manifest and verified like any run's.
   */
  private startTail(id: string, rate: number, attempt = 0): void {
    this.tailId = attempt === 0 ? id : `${id}-r${attempt}`;
    const tail = this.generate(this.tailId, ['--duration', '6h'], rate);
    this.tail = tail;
    void tail.exited.then(async (code) => {
      if (this.stopping || this.tail !== tail) return;
      if (attempt >= 8) return void (this.failure ??= `the tail generator run failed (exit ${code}) ${attempt + 1} times; see ${this.logFile(id)}`);
      this.restarts++;
      this.log(`chaos: the tail generator run exited (code ${code}); a new one follows`);
      await sleep(5_000);
      if (!this.stopping) this.startTail(id, rate, attempt + 1);
    });
  }

  private write(id: string, count: number, rate: number, done: () => void, attempt = 0): void {
    const run = this.generate(id, ['--count', String(count)], rate);
    this.runs.push(run);
    void run.exited.then(async (code) => {
      const written = code === 0 ? count : await this.counts(id).then((c) => c.sent, () => 0);
      if (code !== 0 && attempt >= 8) this.failure ??= `generator run ${id} failed (exit ${code}) ${attempt + 1} times; see ${this.logFile(id)}`;
      else if (code !== 0 && written < count) {
        this.restarts++;
        this.log(`chaos: generator run ${id} exited (code ${code}) after ${written} of ${count} records; a new run writes the rest`);
        await sleep(5_000 * (attempt + 1)); // e.g. the registry it starts with is still down
        return this.write(`${id.replace(/-r\d+$/, '')}-r${attempt + 1}`, count - written, rate, done, attempt + 1);
      }
      done();
    });
  }

  /** The generator is still writing the run's records. */
  get producing(): boolean {
    return this.running > 0;
  }

  /** Let the runs finish, stop the tail run, and return the counts of every run. */
  async stop(): Promise<RunCounts[]> {
    this.stopping = true;
    while (this.running > 0) await sleep(250); // a run may still be continued by a new one
    if (this.tail && this.tail.child.exitCode === null) {
      signal(this.tail.child.pid!, 'SIGTERM');
      const code = await this.tail.exited;
      // 143: the SIGTERM came before Node ran our entry (its first ~50 ms), so nothing was written.
      const unstarted = code === 143 && !(await this.hasManifest(this.tailId));
      if (code !== 130 && code !== 0 && !unstarted) this.failure ??= `the tail generator run failed (exit ${code})`;
    }
    if (this.failure) throw new Error(this.failure);
    // A run that failed before its first record has no manifest: nothing to verify.
    const started = (await Promise.all(this.runIds.map(async (id) => ((await this.hasManifest(id)) ? id : null)))).filter((id) => id !== null);
    this.runIds.splice(0, this.runIds.length, ...started);
    return Promise.all(this.runIds.map((id) => this.counts(id)));
  }

  /** From the first run's start to the last run's end (epoch ms), as the manifests record them. */
  async span(): Promise<{ startedAt: number; finishedAt: number }> {
    const manifests = await Promise.all(this.runIds.map((id) => this.manifest(id)));
    return { startedAt: Math.min(...manifests.map((m) => Date.parse(m.startedAt))), finishedAt: Math.max(...manifests.map((m) => Date.parse(m.finishedAt ?? m.startedAt))) };
  }

  private hasManifest(runId: string): Promise<boolean> {
    return fs.access(path.join(runDir(this.env, runId), 'manifest.json')).then(() => true, () => false);
  }

  private async counts(runId: string): Promise<RunCounts> {
    return (await this.manifest(runId)).counts;
  }

  private async manifest(runId: string): Promise<RunManifest> {
    return JSON.parse(await fs.readFile(path.join(runDir(this.env, runId), 'manifest.json'), 'utf8')) as RunManifest;
  }

  killAll(): void {
    for (const r of [...this.runs, ...(this.tail ? [this.tail] : [])]) signal(r.child.pid!, 'SIGKILL');
  }

  private generate(runId: string, size: string[], rate: number): Running {
    this.runIds.push(runId);
    // kafkajs 2.2.4's idempotent producer cannot recover from OUT_OF_ORDER_SEQUENCE_NUMBER
    // after a leader SIGKILL (the generator exits), so write at-least-once (acks=all,
    // retries): a record written twice must be absorbed by the services, and the report
    // counts them (resentRecords).
    const args = ['produce', 'checkout', '--no-idempotent', ...size, '--rate', `${rate.toFixed(3)}/s`];
    args.push('--duplicates', '0.01', '--poison', '0.005', '--seed', String(this.seed + this.runIds.length), '--run-id', runId);
    return startStreamflow(args, this.env, this.logFile(runId));
  }

  private logFile(runId: string): string {
    return path.join(this.logDir, `generator-${runId}.log`);
  }
}
