import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import type { Connection } from '../../src/config/resolve-connection.js';
import { createKafka } from '../../src/kafka/client.js';
import { runMain } from '../run-main.js';

export function testStack() {
  return inject('stack');
}

/** A Connection to the test stack, as the CLI would resolve it. */
export function testConnection(): Connection {
  const s = testStack();
  return { context: null, brokers: s.brokers, registry: { url: s.registryUrl }, redis: { url: s.redisUrl }, sources: {} };
}

/** Unique per test so tests never share topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}

/** An env that points the CLI at the test stack and at an empty config dir. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const s = testStack();
  const home = fs.mkdtempSync(path.join(s.homesDir, 'streamflow-cli-'));
  return {
    ...process.env,
    STREAMFLOW_CONFIG: path.join(home, 'config.yaml'),
    STREAMFLOW_STATE_DIR: path.join(home, 'state'),
    STREAMFLOW_BROKERS: s.brokers.join(','),
    STREAMFLOW_REGISTRY: s.registryUrl,
    STREAMFLOW_REDIS: s.redisUrl,
    CI: 'true',
    ...extra,
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run the CLI in-process, as a script would, capturing both streams. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = testEnv()): Promise<CliRun> {
  const t0 = Date.now();
  const { code, out, err } = await runMain(args, env);
  return { code, stdout: out, stderr: err, ms: Date.now() - t0 };
}

export interface TransactionalWrite {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string | Buffer>;
  timestamp?: string;
  partition?: number;
}

/**
 * Write records in Kafka transactions, as the runtime writes its DLQ, retry and output topics:
 * `batches[i]` is committed as one transaction, `aborted` records in one aborted transaction
 * after them. Each transaction leaves a marker (one offset) in every partition it wrote to.
 */
export async function writeInTransactions(topic: string, batches: TransactionalWrite[][], aborted: TransactionalWrite[] = []): Promise<void> {
  const producer = createKafka(testConnection()).producer({ transactionalId: uniqueName('test-txn'), idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const [batch, commit] of [...batches.map((b) => [b, true] as const), ...(aborted.length ? [[aborted, false] as const] : [])]) {
      const txn = await producer.transaction();
      await txn.send({ topic, acks: -1, messages: batch });
      await (commit ? txn.commit() : txn.abort());
    }
  } finally {
    await producer.disconnect();
  }
}

/** bin/streamflow of this checkout (it runs the built dist/: `npm run build` first). */
const BIN = path.resolve(import.meta.dirname, '../../bin/streamflow');
const spawned: ChildProcess[] = [];

export interface SpawnedCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both streams, in arrival order, for failure messages. */
  output(): string;
  exited: Promise<number | null>;
}

/** Start bin/streamflow as its own process, as an operator, a pipe or a supervisor runs it. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, opts: { stdin?: 'pipe' } = {}): SpawnedCli {
  // stdin 'pipe': the test writes the command's input (child.stdin) and ends it.
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.on('data', (d) => ((stdout += d), (output += d)));
  child.stderr!.on('data', (d) => ((stderr += d), (output += d)));
  spawned.push(child);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

/** SIGKILL every spawnCli process still running (an afterEach of the tests that spawn). */
export function killSpawnedClis(): void {
  for (const c of spawned.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

/**
 * An env for a stack of a test's own: a private state dir and config under `home`, and none of
 * the test stack's STREAMFLOW_* endpoints (the download cache is shared).
 */
export function privateStackEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', STREAMFLOW_STATE_DIR: path.join(home, 'state'), STREAMFLOW_CONFIG: path.join(home, 'config.yaml') };
  for (const k of Object.keys(env)) if (k.startsWith('STREAMFLOW_') && !['STREAMFLOW_STATE_DIR', 'STREAMFLOW_CONFIG', 'STREAMFLOW_CACHE_DIR'].includes(k)) delete env[k];
  return env;
}
