import path from 'node:path';
import { freePort, signal, sleep } from '../../src/dev/processes.js';
import { SERVICES, type ServiceName } from '../../src/runtime/types.js';
import { type Running, startStreamflow } from './cli-process.js';

interface Instance {
  run: Running;
  port: number;
  /** Records this process has handled so far (every outcome counts), from its Prometheus endpoint. */
  handled: number;
  startedAt: number;
  /** Killed or stopped by the scenario on purpose (its exit is no failure). */
  expectedExit: boolean;
}

const HANDLED = /^streamflow_(processed|duplicates|retry_forwarded|dead_lettered|parked)_total\{service="[a-z]+"\} (\d+)$/gm;

/**
 * The four reference services, one `streamflow consume` process each with its own metrics
 * port. A poller scrapes every process, so the scenario can tell when a service makes progress
 * again after a fault. A process that dies without being told to is restarted and counted.
 */
export class ServiceFleet {
  private readonly instances = new Map<ServiceName, Instance>();
  private readonly lastProgress = new Map<ServiceName, number>();
  private polling = true;
  private readonly poller: Promise<void>;
  unexpectedExits = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
    private readonly args: string[],
    private readonly log: (m: string) => void,
  ) {
    this.poller = this.poll();
  }

  async startAll(): Promise<void> {
    for (const s of SERVICES) await this.start(s);
  }

  async start(service: ServiceName): Promise<void> {
    const port = await freePort();
    const run = startStreamflow(['consume', '--service', service, '--metrics-port', String(port), ...this.args], this.env, path.join(this.logDir, `${service}.log`));
    const instance: Instance = { run, port, handled: 0, startedAt: Date.now(), expectedExit: false };
    this.instances.set(service, instance);
    void run.exited.then((code) => {
      if (instance.expectedExit || this.instances.get(service) !== instance || !this.polling) return;
      this.unexpectedExits++;
      this.log(`${service} consumer exited unexpectedly (code ${code}); restarting it`);
      void this.start(service);
    });
  }

  /** Records handled by the current process of `service` (0 right after a restart). */
  handled(service: ServiceName): number {
    return this.instances.get(service)?.handled ?? 0;
  }

  /** The last time `service` handled records (any of its processes). */
  progressedAt(service: ServiceName): number {
    return this.lastProgress.get(service) ?? 0;
  }

  pid(service: ServiceName): number {
    return this.instances.get(service)!.run.child.pid!;
  }

  /** SIGKILL the service's process (no cleanup, open transaction and all) and wait until it is gone. */
  async kill(service: ServiceName): Promise<void> {
    const instance = this.instances.get(service)!;
    instance.expectedExit = true;
    signal(instance.run.child.pid!, 'SIGKILL');
    await instance.run.exited;
  }

  /** Graceful stop of every process (SIGTERM: each finishes and commits its batch in hand). */
  async stopAll(): Promise<void> {
    this.polling = false;
    await this.poller;
    await Promise.all(
      [...this.instances.values()].map(async (i) => {
        i.expectedExit = true;
        signal(i.run.child.pid!, 'SIGTERM');
        const done = await Promise.race([i.run.exited.then(() => true), sleep(30_000).then(() => false)]);
        if (!done) signal(i.run.child.pid!, 'SIGKILL');
      }),
    );
  }

  /** Last resort on errors: no process may outlive the scenario. */
  killAll(): void {
    this.polling = false;
    for (const i of this.instances.values()) {
      i.expectedExit = true;
      signal(i.run.child.pid!, 'SIGKILL');
    }
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      await Promise.all(
        [...this.instances].map(async ([service, i]) => {
          const n = await scrape(i.port);
          if (n !== null && n > i.handled) {
            i.handled = n;
            this.lastProgress.set(service, Date.now());
          }
        }),
      );
      await sleep(200);
    }
  }
}

async function scrape(port: number): Promise<number | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
    return [...text.matchAll(HANDLED)].reduce((sum, m) => sum + Number(m[2]), 0);
  } catch {
    return null;
  }
}
