import { ValidationError } from '../types.js';

interface Item {
  sku: string;
  quantity: number;
  unit_price_minor?: number;
}

/**
 * Business rules every service applies before handling: data that decodes but cannot be
 * right (a negative amount, an empty order) is non-retryable and goes to the DLQ.
 */
export function validateEvent(eventType: string, v: Record<string, unknown>): void {
  const fail = (why: string) => {
    throw new ValidationError(`${eventType} ${String(v.order_id ?? '')}: ${why}`);
  };
  if (typeof v.order_id === 'string' && !/^[0-9a-f-]{36}$/i.test(v.order_id)) fail('order_id is not a uuid');
  if ('currency' in v && !/^[A-Z]{3}$/.test(String(v.currency))) fail(`currency "${String(v.currency)}" is not an ISO 4217 code`);
  for (const f of ['amount_minor', 'total_minor'] as const) if (f in v && !(Number(v[f]) >= 0)) fail(`${f} ${String(v[f])} is negative`);
  if (Array.isArray(v.items)) {
    const items = v.items as Item[];
    if (items.length === 0) fail('has no line items');
    for (const i of items) {
      if (!(i.quantity > 0)) fail(`quantity ${i.quantity} of ${i.sku} is not positive`);
      if (i.unit_price_minor !== undefined && !(i.unit_price_minor >= 0)) fail(`unit price ${i.unit_price_minor} of ${i.sku} is negative`);
    }
    if (eventType === 'OrderCreated') {
      const sum = items.reduce((s, i) => s + i.quantity * (i.unit_price_minor ?? 0), 0);
      if (sum !== v.total_minor) fail(`total_minor ${String(v.total_minor)} is not the sum of the line items (${sum})`);
    }
  }
}
