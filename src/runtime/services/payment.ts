import { derivedEventId, isDeclined } from '../derived-ids.js';
import type { ServiceHandler, StoreOp } from '../types.js';

/**
 * Captures each order's amount with the gateway; a declined payment starts the saga's
 * compensation by emitting PaymentFailed and OrderCancelled(PAYMENT_FAILED). A customer's
 * cancellation refunds a captured payment.
 */
export const paymentService: ServiceHandler = {
  service: 'payment',
  topics: ['checkout.orders'],
  stateTokens: ['{"status":"AUTHORIZED","amount":', '{"status":"REFUNDED","amount":', '{"status":"FAILED","amount":', '{"status":"CANCELLED"}', ',"currency":"', '"}'],
  async handle(event, orders, downstream, emit) {
    const v = event.value as unknown as { order_id: string; user_id: string; total_minor: number; currency: string; shipping_address: unknown; reason?: string };
    const state = orders.get(v.order_id);
    const ops: StoreOp[] = [];
    if (event.eventType === 'OrderCreated') {
      if (state) return ops;
      await downstream.call('payment-gateway');
      if (isDeclined(v.order_id)) {
        orders.set(v.order_id, { status: 'FAILED', amount: v.total_minor, currency: v.currency });
        ops.push(['HINCRBY', 'declined', v.currency, 1]);
        emit('checkout.payments', 'PaymentFailed', event, { order_id: v.order_id, amount_minor: v.total_minor, currency: v.currency, reason: 'card declined', retryable: false });
        emit('checkout.orders', 'OrderCancelled', event, { order_id: v.order_id, user_id: v.user_id, reason: 'PAYMENT_FAILED' });
      } else {
        orders.set(v.order_id, { status: 'AUTHORIZED', amount: v.total_minor, currency: v.currency });
        ops.push(['HINCRBY', 'captured', v.currency, v.total_minor]);
        emit('checkout.payments', 'PaymentAuthorized', event, {
          order_id: v.order_id,
          payment_id: derivedEventId('payment', event.eventId, 'payment_id'),
          amount_minor: v.total_minor,
          currency: v.currency,
          provider: 'reference-gateway',
          user_id: v.user_id,
          shipping_address: v.shipping_address,
        });
      }
    } else if (event.eventType === 'OrderCancelled' && v.reason !== 'PAYMENT_FAILED') {
      if (state?.status === 'AUTHORIZED') {
        orders.set(v.order_id, { ...state, status: 'REFUNDED' });
        ops.push(['HINCRBY', 'captured', String(state.currency), -Number(state.amount)]);
      } else if (!state) orders.set(v.order_id, { status: 'CANCELLED' });
    }
    return ops;
  },
};
