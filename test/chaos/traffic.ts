import fs from 'node:fs/promises';
import path from 'node:path';
import { signal, sleep } from '../../src/dev/processes.js';
import { type RunCounts, runDir } from '../../src/generator/run-manifest.js';
import { type Running, startStreamflow } from './cli-process.js';

/** Records per second one generator process sustains with one record per send (see `generate`). */
const LANE_RATE = 12;

/**
 * The checkout traffic of a chaos run: `count` records at `rate`, split over as many parallel
 * generator runs ("lanes") as that rate needs. A lane the generator gives up on (it exits when
 * a broker stays unreachable through all its retries) is continued by a new run for the rest
 * of its records. Should every lane finish while faults are still being injected, a tail run
 * keeps traffic flowing, so a recovery always has work to show; the tail is stopped with
 * SIGTERM, after which its manifest covers exactly the records Kafka acknowledged. Every run
 * is verified on its own.
 */
export class Traffic {
  readonly runIds: string[] = [];
  private readonly lanes: Running[] = [];
  private tail: Running | undefined;
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
    const lanes = Math.max(1, Math.ceil(rate / LANE_RATE));
    this.running = lanes;
    for (let i = 0; i < lanes; i++) {
      const share = Math.floor(count / lanes) + (i < count % lanes ? 1 : 0);
      this.lane(lanes === 1 ? runId : `${runId}-${i + 1}`, share, rate / lanes, () => {
        if (--this.running === 0 && !this.stopping && !this.failure) {
          this.log('chaos: the generator finished while faults remain: a tail run keeps traffic flowing');
          this.tail = this.generate(`${runId}-tail`, ['--duration', '6h'], Math.min(rate, LANE_RATE));
        }
      });
    }
  }

  private lane(id: string, count: number, rate: number, done: () => void, attempt = 0): void {
    const run = this.generate(id, ['--count', String(count)], rate);
    this.lanes.push(run);
    void run.exited.then(async (code) => {
      const written = code === 0 ? count : await this.counts(id).then((c) => c.sent, () => 0);
      if (code !== 0 && attempt >= 8) this.failure ??= `generator run ${id} failed (exit ${code}) ${attempt + 1} times; see ${this.logFile(id)}`;
      else if (code !== 0 && written < count) {
        this.restarts++;
        this.log(`chaos: generator run ${id} exited (code ${code}) after ${written} of ${count} records; a new run writes the rest`);
        await sleep(5_000 * (attempt + 1)); // e.g. the registry it starts with is still down
        return this.lane(`${id.replace(/-r\d+$/, '')}-r${attempt + 1}`, count - written, rate, done, attempt + 1);
      }
      done();
    });
  }

  /** The generator is still writing the run's records. */
  get producing(): boolean {
    return this.running > 0;
  }

  /** Let the lanes finish, stop the tail run, and return the counts of every run. */
  async stop(): Promise<RunCounts[]> {
    this.stopping = true;
    while (this.running > 0) await sleep(250); // a lane may still be continued by a new run
    if (this.tail) {
      signal(this.tail.child.pid!, 'SIGTERM');
      const code = await this.tail.exited;
      if (code !== 130 && code !== 0) this.failure ??= `the tail generator run failed (exit ${code})`;
    }
    if (this.failure) throw new Error(this.failure);
    // A run that failed before its first record has no manifest: nothing to verify.
    const started = (await Promise.all(this.runIds.map((id) => fs.access(path.join(runDir(this.env, id), 'manifest.json')).then(() => id, () => null)))).filter((id) => id !== null);
    this.runIds.splice(0, this.runIds.length, ...started);
    return Promise.all(this.runIds.map((id) => this.counts(id)));
  }

  private async counts(runId: string): Promise<RunCounts> {
    return (JSON.parse(await fs.readFile(path.join(runDir(this.env, runId), 'manifest.json'), 'utf8')) as { counts: RunCounts }).counts;
  }

  killAll(): void {
    for (const r of [...this.lanes, ...(this.tail ? [this.tail] : [])]) signal(r.child.pid!, 'SIGKILL');
  }

  private generate(runId: string, size: string[], rate: number): Running {
    this.runIds.push(runId);
    // Two kafkajs 2.2.4 producer bugs meet a SIGKILLed leader here. Its idempotent producer
    // cannot recover from OUT_OF_ORDER_SEQUENCE_NUMBER (the generator exits), so write
    // at-least-once (acks=all, retries; a record written twice must be absorbed by the
    // services). And a send() spanning several partitions can resolve without writing some of
    // them (its retry skips a partition whose new leader already answered an earlier attempt),
    // so acknowledged records would be missing from Kafka: one record per send, hence lanes.
    const args = ['produce', 'checkout', '--no-idempotent', '--batch-size', '1', ...size, '--rate', `${rate.toFixed(3)}/s`];
    args.push('--duplicates', '0.01', '--poison', '0.005', '--seed', String(this.seed + this.runIds.length), '--run-id', runId);
    return startStreamflow(args, this.env, this.logFile(runId));
  }

  private logFile(runId: string): string {
    return path.join(this.logDir, `generator-${runId}.log`);
  }
}
