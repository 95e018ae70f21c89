import { afterAll, describe, expect, it } from 'vitest';
import { RedisEffectStore } from '../../src/runtime/redis-effect-store.js';
import { DEFAULT_BUCKETS } from '../../src/runtime/store-layout.js';
import { testStack, uniqueName } from './helpers.js';

/**
 * A service's dedup window and bucket count are recorded by its first process: a later one
 * that looked for orders in other hashes would apply replays again. One that names no
 * buckets keeps the recorded ones, so changing the default never strands an existing store.
 */
describe('the recorded store layout', () => {
  const namespace = uniqueName('layout');
  const stores: RedisEffectStore[] = [];
  const open = async (buckets?: number) => {
    const s = await RedisEffectStore.connect(testStack().redisUrl, { namespace, waitReplicas: 0, ...(buckets ? { layout: { buckets } } : {}) });
    stores.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  it('records the default for a run without --state-buckets, and a later run adopts what was recorded', async () => {
    await (await open()).recordLayout('payment', 60);
    await (await open(48)).recordLayout('shipping', 60);
    await expect((await open()).recordLayout('shipping', 60)).resolves.toBeUndefined();
    await expect((await open(DEFAULT_BUCKETS)).recordLayout('payment', 60)).resolves.toBeUndefined();
  });

  it('refuses another window or an explicit other bucket count, naming the flags that match the store', async () => {
    await expect((await open()).recordLayout('payment', 120)).rejects.toMatchObject({
      message: expect.stringContaining(`dedup window of 60 s and ${DEFAULT_BUCKETS} buckets; this run asks for 120 s`),
      hint: expect.stringContaining('--dedup-ttl 60s'),
    });
    await expect((await open(32)).recordLayout('shipping', 60)).rejects.toMatchObject({ hint: expect.stringContaining('--dedup-ttl 60s --state-buckets 48') });
  });
});
