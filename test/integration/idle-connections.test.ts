import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { testConnection } from './helpers.js';

describe('an idle kafkajs connection', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // kafkajs 2.2.4 re-armed a timer per connection forever after the first answer (tulios/kafkajs#1556):
  // about 700 a second each. src/kafka/kafkajs-request-queue.ts schedules the check only while requests wait.
  it('arms no timers once its requests are answered', async () => {
    const admin = createKafka(testConnection(), { clientId: 'idle-connections-test' }).admin();
    await admin.connect();
    try {
      await Promise.all(Array.from({ length: 20 }, () => admin.listTopics()));
      await new Promise((r) => setTimeout(r, 100));
      const timers = vi.spyOn(globalThis, 'setTimeout');
      await new Promise<void>((r) => setImmediate(r));
      const waited = Date.now();
      while (Date.now() - waited < 1_000) await new Promise<void>((r) => setImmediate(r));
      expect(timers.mock.calls.length).toBeLessThan(10);
    } finally {
      await admin.disconnect();
    }
  });
});
