import type { ServiceHandler, ServiceName } from '../types.js';
import { inventoryService } from './inventory.js';
import { notificationService } from './notification.js';
import { paymentService } from './payment.js';
import { shippingService } from './shipping.js';

export const serviceHandlers: Record<ServiceName, ServiceHandler> = {
  payment: paymentService,
  inventory: inventoryService,
  shipping: shippingService,
  notification: notificationService,
};

/** The topics of a service's retries and dead letters, as in streamflow.topology.yaml. */
export function serviceTopics(service: ServiceName) {
  return {
    group: `${service}-service`,
    retries: [
      { topic: `checkout.${service}.retry.5s`, delayMs: 5_000 },
      { topic: `checkout.${service}.retry.30s`, delayMs: 30_000 },
    ],
    dlq: `checkout.${service}.dlq`,
  };
}
