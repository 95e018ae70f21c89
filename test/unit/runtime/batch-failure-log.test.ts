import { describe, expect, it } from 'vitest';
import { BatchFailureLog } from '../../../src/runtime/batch-failure-log.js';

describe('failed batches, told without flooding', () => {
  it('tells a group\'s first failure at once, then one per interval with the count in between', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new BatchFailureLog((m) => lines.push(m), 10_000, () => now);
    const err = Object.assign(new Error('WAIT timed out'), { name: 'StoreError' });
    log.failed('payment-service', err, { topic: 'checkout.orders', partition: 3 });
    log.failed('inventory-service', err, { topic: 'checkout.orders', partition: 1 });
    for (let i = 0; i < 5; i++) log.failed('payment-service', err, { topic: 'checkout.orders', partition: i });
    now = 10_000;
    log.failed('payment-service', err, { topic: 'checkout.orders', partition: 7 });
    expect(lines).toEqual([
      'payment-service: a batch of checkout.orders/3 failed and is redelivered: StoreError: WAIT timed out',
      'inventory-service: a batch of checkout.orders/1 failed and is redelivered: StoreError: WAIT timed out',
      'payment-service: a batch of checkout.orders/7 failed and is redelivered (5 more since the last report): StoreError: WAIT timed out',
    ]);
  });
});
