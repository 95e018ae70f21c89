import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/runtime/redis-client.js';
import { SERVICES } from '../../src/runtime/types.js';
import { runSoak } from '../soak/soak-run.js';
import { testEnv, testStack } from './helpers.js';

/**
 * The soak of `npm run test:soak`, small, on the suite's shared stack (`--use-stack`): 200
 * records/s for 100 s with a 10 s dedup window, in a store namespace and consumer groups of its
 * own. It proves the machinery end to end: a sample every 2 s of Redis, the verify audit, every
 * process's RSS and every group's lag; the drain; verify finding nothing lost, every poison
 * record in every DLQ and no inconsistent saga; the flatness verdict, once the window filled
 * (70-80 s in: two windows plus the store's 60 s margin); soak.png; and nothing left in Redis.
 *
 * It does not require the verdict to be "flat" or verify to find no event applied twice: 20 s
 * after the fill cannot tell a leak from noise (a store that never expired anything would grow
 * only some 12% between the two halves), and a 10 s window is shorter than the redeliveries the
 * shipping service was seen to make on a busy machine (a redelivery after the window applies
 * again). The 4-minute run in the README and the 30-minute default judge both.
 */
describe('soak (small): generator and services together, sampled', () => {
  it('samples every interval, drains, verifies, judges memory flat after the window filled, plots, and cleans up', async () => {
    const outDir = fs.mkdtempSync(path.join(testStack().homesDir, 'soak-'));
    const env = testEnv();
    const report = await runSoak({
      ratePerSec: 200,
      durationMs: 100_000,
      windowSec: 10,
      sampleMs: 2_000,
      drainLimitMs: 60_000,
      redisCluster: false,
      useStack: true,
      outDir,
      env,
      signal: new AbortController().signal,
      log: (m) => process.stderr.write(`[soak] ${m}\n`),
    });
    const summary = JSON.stringify({ failures: report.failures, memory: report.memory, lag: report.lag, verify: report.verify && { services: report.verify.services, dlq: report.verify.dlq, saga: report.verify.saga } });

    expect(report.stack).toBe('existing');
    expect(report.generator!.sent, summary).toBeGreaterThan(0.9 * 200 * 100);
    // One sample every 2 s through the traffic, the baseline before it, the drain after it.
    const samples = JSON.parse(fs.readFileSync(report.files.samplesJson, 'utf8')).samples as Array<{ phase: string; t: number; rssBytes: Record<string, number | null>; lag: Record<string, number> }>;
    expect(samples[0]!.phase).toBe('baseline');
    expect(samples.filter((s) => s.phase === 'traffic').length).toBeGreaterThanOrEqual(45);
    expect(samples.filter((s) => s.phase === 'traffic').every((s) => SERVICES.every((svc) => (s.rssBytes[svc] ?? 0) > 0) && (s.rssBytes.generator ?? 0) > 0)).toBe(true);
    expect(fs.readFileSync(report.files.samplesCsv, 'utf8').split('\n')[0]).toMatch(/^t_s,phase,sent,created,redis_used_bytes,audit_bytes,state_bytes/);
    expect(PNG.sync.read(fs.readFileSync(report.files.plot))).toMatchObject({ width: 1000, height: 720 });

    expect(report.lag.drained, summary).toBe(true);
    for (const svc of SERVICES) expect(report.verify!.services![svc].missing, summary).toBe(0);
    expect(report.verify!.dlq, summary).toMatchObject({ poisonFound: report.verify!.dlq!.poisonExpected, unexpected: 0 });
    expect(report.verify!.saga!.inconsistent, summary).toBe(0);
    expect(report.memory.windowFilledAtMs).toBeGreaterThan(70_000);
    expect(report.memory.windowFilledAtMs).toBeLessThanOrEqual(80_000);
    expect(report.memory.verdict, summary).not.toBe('inconclusive');
    expect(report.memory.reference!.samples + report.memory.check!.samples).toBeGreaterThanOrEqual(8);
    expect(report.memory.bytesPerOrderHeld, summary).toBeGreaterThan(0);
    // ok means exactly: flat, verify ok, drained.
    expect(report.ok).toBe(report.memory.verdict === 'flat' && report.verify!.ok && report.lag.drained);
    expect(report.failures.length === 0).toBe(report.ok);
    process.stderr.write(`[soak] verdict ${report.memory.verdict} (${report.memory.reason}); verify ${report.verify!.ok ? 'ok' : JSON.stringify(report.verify!.services)}\n`);

    // Its store namespace and consumer groups are gone (the shared stack keeps nothing of it).
    const redis = await connectRedis(testStack().redisUrl);
    try {
      expect((await redis.keys(`sf:{${report.storeNamespace}.*`)).length).toBe(0);
    } finally {
      await redis.quit();
    }
  }, 240_000);
});
