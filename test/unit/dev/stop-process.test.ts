import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isAlive, signal, stopProcess } from '../../../src/dev/processes.js';
import { planPartActions } from '../../../src/dev/stack.js';

describe('stopProcess', () => {
  it('stops a frozen (SIGSTOPped) process that handles SIGTERM, as the JVMs do, without waiting for SIGKILL', async () => {
    // Like Kafka and the registry, this process catches SIGTERM, so a stopped one keeps it pending.
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((r) => setTimeout(r, 300));
    signal(pid, 'SIGSTOP');
    const t0 = Date.now();
    expect(await stopProcess(pid, 5_000)).toBe('stopped');
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(isAlive(pid)).toBe(false);
  });
});

describe('planPartActions', () => {
  it('keeps what answers, restarts what was running and does not answer, starts what was not running', () => {
    const parts = [
      { name: 'kafka-1', pid: 10 },
      { name: 'registry', pid: 11 },
      { name: 'redis', pid: null },
    ];
    expect(planPartActions(parts, new Set(['kafka-1']))).toEqual({ 'kafka-1': 'kept', registry: 'restarted', redis: 'started' });
  });
});
