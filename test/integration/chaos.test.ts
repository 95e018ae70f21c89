import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, runChaos } from '../chaos/chaos-scenario.js';
import { kafkaVersionUnderTest } from './global-setup.js';

/**
 * The chaos scenario of `npm run test:chaos`, small: a 3-broker stack of its own with registry
 * and Redis, a few thousand checkout records, one process per service (a rebalance storm adds
 * three), and one of each fault while the generator and the services run. verify must find
 * nothing lost or applied twice, every poison record in every DLQ and every saga consistent;
 * every fault must heal, its lag included (under 30 s here: CI's two cores also run the three
 * brokers).
 */
describe('chaos (small): faults while the generator and the services run', () => {
  it('loses and duplicates nothing through consumer, broker, controller, Redis and registry faults', async () => {
    const report = await runChaos({
      records: 4_000,
      ratePerSec: 25,
      // Broker faults first: their restarted broker catches up while the next faults run.
      plan: ['leader-broker-sigkill', 'consumer-sigkill', 'rebalance-storm', 'redis-sigkill', 'controller-sigkill', 'registry-stop'],
      repeatWhileProducing: false,
      registryStopMs: 30_000,
      seed: 11,
      processes: 1,
      caughtUpMs: 30_000,
      lagRecoveryTimeoutMs: 90_000,
      ...kafkaVersionUnderTest(),
      log: (m) => process.stderr.write(`[chaos] ${m}\n`),
    });
    const summary = JSON.stringify({ faults: report.faults, recoveryMs: report.recoveryMs, lagRecoveryMs: report.lagRecoveryMs, runs: report.runs, unexpectedExits: report.unexpectedExits, generatorRestarts: report.generatorRestarts });
    process.stderr.write(`[chaos] ${summary}\n`);
    for (const kind of FAULT_KINDS) {
      expect(report.faults[kind], kind).toBeGreaterThanOrEqual(1);
      expect(report.recoveryMs[kind], `${kind} never recovered: ${summary}`).not.toBeNull();
      expect(report.lagRecoveryMs[kind], `${kind}'s lag never recovered: ${summary}`).not.toBeNull();
    }
    // The run's own figures: a rate, the worst order-to-notification time, the generator's resends.
    expect(report.ordersPerSec).toBeGreaterThan(10);
    expect(report.worstEndToEndMs).toBeGreaterThan(0);
    expect(report.resentRecords).toBeGreaterThanOrEqual(0);
    expect(report.records).toBeGreaterThanOrEqual(4_000);
    expect(report.orders).toBeGreaterThan(3_500);
    expect(report.lost, summary).toBe(0);
    expect(report.duplicated, summary).toBe(0);
    for (const run of report.runs) {
      expect(run.dlq.poisonFound, summary).toBe(run.dlq.poisonExpected);
      expect(run.dlq.unexpected, summary).toBe(0);
      expect(run.saga.inconsistent, summary).toBe(0);
    }
    expect(report.ok).toBe(true);
  }, 20 * 60_000);
});
