import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';

/** bin/streamflow of this checkout (it runs the built dist/). */
export const STREAMFLOW_BIN = path.join(packageRoot(), 'bin', 'streamflow');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a one-shot streamflow command as a child process, as an operator's script would. */
export function runStreamflow(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STREAMFLOW_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The JSON summary a command printed on stdout (its last line), once it exited. */
  stdout(): string;
}

/** Start a long-running streamflow command; its stderr goes to `logFile`, each line timestamped. */
export function startStreamflow(args: string[], env: NodeJS.ProcessEnv, logFile: string): Running {
  const child = spawn(process.execPath, [STREAMFLOW_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => {
    const at = new Date().toISOString().slice(11, 23);
    fs.appendFileSync(logFile, d.toString().replace(/\n(?=.)/g, `\n${at} `).replace(/^/, `${at} `));
  });
  // Killed by a signal: 128 + its number, as a shell reports it (137 SIGKILL, 143 SIGTERM).
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + os.constants.signals[signal] : null))));
  return { child, exited, stdout: () => stdout };
}
