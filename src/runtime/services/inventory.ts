import { derivedEventId } from '../derived-ids.js';
import type { ServiceHandler, StoreOp } from '../types.js';

type Item = { sku: string; quantity: number };

/** Reserves stock per SKU for each order and releases it when the order is cancelled (compensation). */
export const inventoryService: ServiceHandler = {
  service: 'inventory',
  topics: ['checkout.orders'],
  stateTokens: ['{"status":"RESERVED","items":[{"sku":"SKU-', '{"status":"RELEASED","items":[{"sku":"SKU-', '{"status":"CANCELLED"}', '","quantity":', '},{"sku":"SKU-', '}]}'],
  async handle(event, orders, downstream, emit) {
    const v = event.value as unknown as { order_id: string; items?: Item[]; reason?: string };
    const state = orders.get(v.order_id);
    const ops: StoreOp[] = [];
    if (event.eventType === 'OrderCreated') {
      if (state) return ops;
      await downstream.call('warehouse');
      const items = v.items!.map((i) => ({ sku: i.sku, quantity: i.quantity }));
      orders.set(v.order_id, { status: 'RESERVED', items });
      for (const i of items) ops.push(['HINCRBY', 'reserved', i.sku, i.quantity]);
      emit('checkout.inventory', 'InventoryReserved', event, { order_id: v.order_id, reservation_id: derivedEventId('inventory', v.order_id, 'reservation'), items });
    } else if (event.eventType === 'OrderCancelled') {
      if (state?.status === 'RESERVED') {
        const items = state.items as Item[];
        orders.set(v.order_id, { ...state, status: 'RELEASED' });
        for (const i of items) ops.push(['HINCRBY', 'reserved', i.sku, -i.quantity]);
        emit('checkout.inventory', 'InventoryReleased', event, { order_id: v.order_id, reservation_id: derivedEventId('inventory', v.order_id, 'reservation'), items, reason: v.reason ?? 'OTHER' });
      } else if (!state) orders.set(v.order_id, { status: 'CANCELLED' });
    }
    return ops;
  },
};
