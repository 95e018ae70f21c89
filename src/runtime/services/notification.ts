import type { ServiceHandler, StoreOp } from '../types.js';

/** Tells the customer their order shipped, or that it was cancelled. */
export const notificationService: ServiceHandler = {
  service: 'notification',
  topics: ['checkout.shipments', 'checkout.orders'],
  handles: ['ShipmentScheduled', 'OrderCancelled'],
  async handle(event, _orders, downstream, emit) {
    const v = event.value as unknown as { order_id: string; user_id?: string; address?: { name: string } };
    const template = event.eventType === 'ShipmentScheduled' ? 'order-shipped' : event.eventType === 'OrderCancelled' ? 'order-cancelled' : null;
    if (!template) return [];
    await downstream.call('email');
    emit('checkout.notifications', 'NotificationSent', event, { order_id: v.order_id, user_id: v.user_id ?? 'unknown', channel: 'EMAIL', template });
    return [['HINCRBY', 'sent', template, 1]] satisfies StoreOp[];
  },
};
