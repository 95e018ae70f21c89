import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * `streamflow completion bash|zsh` in the real shells, in a real terminal (tmux): source the
 * script as the README says, type part of a command, press Tab, read what the shell completed.
 */

const BIN = path.resolve(import.meta.dirname, '../../bin/streamflow');
const SOCKET = `streamflow-completion-${process.pid}`;
// `streamflow` on PATH, as an installed CLI is.
const pathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-completion-'));
fs.symlinkSync(BIN, path.join(pathDir, 'streamflow'));

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Start `shell` in tmux, source the completion script, type `line` and press Tab. */
async function complete(shell: 'bash' | 'zsh', line: string): Promise<string> {
  const name = `${shell}-${Math.random().toString(36).slice(2, 8)}`;
  const start = shell === 'bash' ? 'bash --norc --noprofile' : 'zsh -f';
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '10', `env PATH='${pathDir}':"$PATH" ${start}`);
  const setup = shell === 'bash' ? 'source <(streamflow completion bash)' : 'autoload -U compinit; compinit -u; source <(streamflow completion zsh)';
  tmux('send-keys', '-t', name, `${setup}; echo READY`, 'Enter');
  await until(() => /^READY$/m.test(tmux('capture-pane', '-p', '-t', name)));
  tmux('send-keys', '-t', name, line, 'Tab');
  const typed = new RegExp(`${line.replace(/[-]/g, '\\-')}\\S`);
  await until(() => typed.test(tmux('capture-pane', '-p', '-t', name)));
  const screen = tmux('capture-pane', '-p', '-t', name);
  tmux('kill-session', '-t', name);
  return screen;
}

async function until(done: () => boolean, ms = 15_000): Promise<void> {
  for (const t0 = Date.now(); !done(); await sleep(100)) if (Date.now() - t0 > ms) throw new Error('timed out waiting for the shell');
}

afterAll(() => {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  fs.rmSync(pathDir, { recursive: true, force: true });
});

describe.each(['bash', 'zsh'] as const)('streamflow completion %s', (shell) => {
  it.skipIf(!has('tmux') || !has(shell))('completes a subcommand and a flag of that subcommand', async () => {
    expect(await complete(shell, 'streamflow topic cre')).toContain('streamflow topic create');
    expect(await complete(shell, 'streamflow dlq redrive DLQ --ra')).toContain('streamflow dlq redrive DLQ --rate');
  });
});

describe('streamflow completion', () => {
  it('names the shells it knows for an unknown one, exit 2', () => {
    const r = spawnSync(process.execPath, [BIN, 'completion', 'fish'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"bash", "zsh"');
  });
});
