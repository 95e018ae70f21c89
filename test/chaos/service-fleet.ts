import path from 'node:path';
import { freePort, signal, sleep } from '../../src/dev/processes.js';
import { SERVICES, type ServiceName } from '../../src/runtime/types.js';
import { type Running, startStreamflow } from './cli-process.js';

export interface Instance {
  service: ServiceName;
  run: Running;
  port: number;
  /** Records this process has handled so far (every outcome counts), from its Prometheus endpoint. */
  handled: number;
  /** Worst saga age (order written to event applied) this process reported, in ms. */
  sagaAgeMaxMs: number;
  /** Killed or stopped by the scenario on purpose (its exit is no failure). */
  expectedExit: boolean;
}

const HANDLED = /^streamflow_(processed|duplicates|retry_forwarded|dead_lettered|parked)_total\{service="[a-z]+"\} (\d+)$/gm;
const SAGA_AGE_MAX = /^streamflow_saga_age_max_seconds\{service="[a-z]+"\} ([\d.e+-]+)$/m;

/**
 * The four reference services, `processes` `streamflow consume` processes each (one consumer
 * group per service, as deployed), each with its own metrics port. A poller scrapes every
 * process, so the scenario can tell when a service makes progress again after a fault. A
 * process that dies without being told to is restarted and counted.
 */
export class ServiceFleet {
  private readonly instances = new Map<ServiceName, Instance[]>(SERVICES.map((s) => [s, []]));
  private readonly lastProgress = new Map<ServiceName, number>();
  /** Worst saga age of processes that are gone (a killed process' figure must not be lost). */
  private readonly pastSagaAgeMaxMs = new Map<ServiceName, number>();
  private polling = true;
  private readonly poller: Promise<void>;
  private started = 0;
  private readonly ports = new Set<number>();
  unexpectedExits = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
    private readonly args: string[],
    private readonly processes: number,
    private readonly log: (m: string) => void,
    /** Extra `consume` flags per service (e.g. the payment stall). */
    private readonly serviceArgs: Partial<Record<ServiceName, string[]>> = {},
  ) {
    this.poller = this.poll();
  }

  async startAll(): Promise<void> {
    for (const s of SERVICES) for (let i = 0; i < this.processes; i++) await this.start(s);
  }

  async start(service: ServiceName): Promise<Instance> {
    // A process binds its metrics port only once it has connected: until then freePort may
    // hand the same port out again.
    let port = await freePort();
    while (this.ports.has(port)) port = await freePort();
    this.ports.add(port);
    const n = ++this.started;
    const args = ['consume', '--service', service, '--metrics-port', String(port), ...this.args, ...(this.serviceArgs[service] ?? [])];
    const run = startStreamflow(args, this.env, path.join(this.logDir, `${service}-${n}.log`));
    const instance: Instance = { service, run, port, handled: 0, sagaAgeMaxMs: 0, expectedExit: false };
    this.instances.get(service)!.push(instance);
    void run.exited.then((code) => {
      this.retire(instance);
      if (instance.expectedExit || !this.polling) return;
      this.unexpectedExits++;
      this.log(`${service} consumer ${n} exited unexpectedly (code ${code}); restarting it`);
      void this.start(service);
    });
    return instance;
  }

  /** The last time `service` handled records (any of its processes). */
  progressedAt(service: ServiceName): number {
    return this.lastProgress.get(service) ?? 0;
  }

  /** The service's processes, oldest first. */
  of(service: ServiceName): Instance[] {
    return [...this.instances.get(service)!];
  }

  /** SIGKILL a process (no cleanup, open transaction and all) and wait until it is gone. */
  async kill(instance: Instance): Promise<void> {
    instance.expectedExit = true;
    signal(instance.run.child.pid!, 'SIGKILL');
    await instance.run.exited;
  }

  /** SIGTERM a process (it finishes and commits its batch in hand, then leaves the group). */
  async stop(instance: Instance): Promise<void> {
    instance.expectedExit = true;
    signal(instance.run.child.pid!, 'SIGTERM');
    const done = await Promise.race([instance.run.exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!done) signal(instance.run.child.pid!, 'SIGKILL');
  }

  /** Worst saga age per service over every process it ever ran (ms). */
  sagaAgeMaxMs(): Record<ServiceName, number> {
    return Object.fromEntries(SERVICES.map((s) => [s, Math.max(this.pastSagaAgeMaxMs.get(s) ?? 0, ...this.instances.get(s)!.map((i) => i.sagaAgeMaxMs))])) as Record<ServiceName, number>;
  }

  /** Graceful stop of every process. */
  async stopAll(): Promise<void> {
    this.polling = false;
    await this.poller;
    await Promise.all(SERVICES.flatMap((s) => this.instances.get(s)!.map((i) => this.stop(i))));
  }

  /** Last resort on errors: no process may outlive the scenario. */
  killAll(): void {
    this.polling = false;
    for (const list of this.instances.values()) {
      for (const i of list) {
        i.expectedExit = true;
        signal(i.run.child.pid!, 'SIGKILL');
      }
    }
  }

  private retire(instance: Instance): void {
    const list = this.instances.get(instance.service)!;
    const at = list.indexOf(instance);
    if (at >= 0) list.splice(at, 1);
    this.pastSagaAgeMaxMs.set(instance.service, Math.max(this.pastSagaAgeMaxMs.get(instance.service) ?? 0, instance.sagaAgeMaxMs));
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      await Promise.all(
        SERVICES.flatMap((service) =>
          this.instances.get(service)!.map(async (i) => {
            const s = await scrape(i.port);
            if (!s) return;
            if (s.handled > i.handled) {
              i.handled = s.handled;
              this.lastProgress.set(service, Date.now());
            }
            i.sagaAgeMaxMs = Math.max(i.sagaAgeMaxMs, s.sagaAgeMaxMs);
          }),
        ),
      );
      await sleep(200);
    }
  }
}

async function scrape(port: number): Promise<{ handled: number; sagaAgeMaxMs: number } | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
    const handled = [...text.matchAll(HANDLED)].reduce((sum, m) => sum + Number(m[2]), 0);
    const age = SAGA_AGE_MAX.exec(text);
    return { handled, sagaAgeMaxMs: age ? Math.round(Number(age[1]) * 1000) : 0 };
  } catch {
    return null;
  }
}
