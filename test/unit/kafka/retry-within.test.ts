import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DELIVERY_TIMEOUT_MS, retryWithin } from '../../../src/kafka/client.js';

// kafkajs' own retrier, which the producers hand these options to.
const createRetry = createRequire(import.meta.url)('kafkajs/src/retry/index.js') as (opts: object) => <T>(fn: () => Promise<T>) => Promise<T>;

afterEach(() => {
  vi.useRealTimers();
});

describe('retryWithin', () => {
  it('gives kafkajs a send that keeps retrying a dead leader for the delivery timeout, as Java producers do', async () => {
    vi.useFakeTimers();
    const startedAt = Date.now();
    let attempts = 0;
    const failed = createRetry(retryWithin(DELIVERY_TIMEOUT_MS))(async () => {
      attempts++;
      throw Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { retriable: true });
    }).catch((err: Error) => err);
    await vi.runAllTimersAsync();
    const err = await failed;
    const elapsed = Date.now() - startedAt;
    expect(err.message).toContain('ECONNREFUSED');
    // The first waits are jittered by kafkajs (±20%); the capped ones are exact.
    expect(elapsed).toBeGreaterThanOrEqual(0.95 * DELIVERY_TIMEOUT_MS);
    expect(elapsed).toBeLessThanOrEqual(1.1 * DELIVERY_TIMEOUT_MS);
    expect(attempts).toBe(retryWithin(DELIVERY_TIMEOUT_MS).retries + 1);
  });
});
