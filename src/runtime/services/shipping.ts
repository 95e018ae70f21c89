import { derivedEventId } from '../derived-ids.js';
import type { ServiceHandler, StoreOp } from '../types.js';

const DAY_MS = 86_400_000;

/** Books a shipment for each paid order, unless the order was cancelled first; cancels a booked one. */
export const shippingService: ServiceHandler = {
  service: 'shipping',
  topics: ['checkout.payments', 'checkout.orders'],
  handles: ['PaymentAuthorized', 'OrderCancelled'],
  stateTokens: ['{"status":"SCHEDULED"}', '{"status":"CANCELLED","skipped":true}', '{"status":"CANCELLED","wasScheduled":true}', '{"status":"CANCELLED","wasScheduled":false}', '{"status":"CANCELLED"}'],
  async handle(event, orders, downstream, emit) {
    const v = event.value as unknown as { order_id: string; shipping_address?: unknown; envelope: { occurred_at: number } };
    const state = orders.get(v.order_id);
    const ops: StoreOp[] = [];
    if (event.eventType === 'PaymentAuthorized') {
      if (state?.status === 'CANCELLED') {
        orders.set(v.order_id, { status: 'CANCELLED', skipped: true });
        ops.push(['HINCRBY', 'shipments', 'skipped', 1]);
      } else if (!state) {
        await downstream.call('carrier');
        orders.set(v.order_id, { status: 'SCHEDULED' });
        ops.push(['HINCRBY', 'shipments', 'scheduled', 1]);
        emit('checkout.shipments', 'ShipmentScheduled', event, {
          order_id: v.order_id,
          shipment_id: derivedEventId('shipping', event.eventId, 'shipment_id'),
          carrier: 'reference-carrier',
          scheduled_for: v.envelope.occurred_at + DAY_MS,
          address: v.shipping_address,
        });
      }
    } else if (event.eventType === 'OrderCancelled') {
      if (state?.status === 'SCHEDULED') ops.push(['HINCRBY', 'shipments', 'cancelled', 1]);
      if (state?.status !== 'CANCELLED') orders.set(v.order_id, { status: 'CANCELLED', wasScheduled: state?.status === 'SCHEDULED' });
    }
    return ops;
  },
};
