import { describe, expect, it } from 'vitest';
import { shippedContractsDir } from '../../../src/config/package-root.js';
import { generatorContracts } from '../../../src/generator/checkout-codec.js';
import { loadContracts } from '../../../src/schema/contracts.js';

describe('generatorContracts', () => {
  it("names the order contracts' subjects after another topic, keeping their naming strategy", async () => {
    const contracts = await loadContracts(shippedContractsDir());
    expect(generatorContracts(contracts, 'my.orders').map((c) => [c.file, c.topic, c.subject])).toEqual([
      ['order-created.avsc', 'my.orders', 'my.orders-com.streamflow.checkout.OrderCreated'],
      ['order-cancelled.avsc', 'my.orders', 'my.orders-com.streamflow.checkout.OrderCancelled'],
    ]);
  });

  it('refuses contracts without the records the generator writes', async () => {
    const contracts = (await loadContracts(shippedContractsDir())).filter((c) => !c.recordName.endsWith('.OrderCancelled'));
    expect(() => generatorContracts(contracts, 'my.orders')).toThrow(/no OrderCancelled record/);
  });
});
