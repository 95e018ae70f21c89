import { SeededRandom, ZipfSampler } from './seeded-random.js';

/** Plain objects shaped exactly like the Avro contracts in schemas/checkout/. */
export interface EventEnvelope {
  event_id: string;
  event_type: string;
  occurred_at: number;
  correlation_id: string;
  causation_id: string | null;
  producer: string;
}

export interface Address {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postal_code: string;
  country: string;
}

export interface OrderCreated {
  envelope: EventEnvelope;
  order_id: string;
  user_id: string;
  items: Array<{ sku: string; quantity: number; unit_price_minor: number }>;
  total_minor: number;
  currency: string;
  shipping_address: Address;
}

export interface OrderCancelled {
  envelope: EventEnvelope;
  order_id: string;
  user_id: string;
  reason: 'CUSTOMER_REQUEST' | 'PAYMENT_FAILED' | 'OUT_OF_STOCK' | 'FRAUD_SUSPECTED' | 'OTHER';
}

export type OrderEvent = { type: 'OrderCreated'; value: OrderCreated } | { type: 'OrderCancelled'; value: OrderCancelled };

export interface CheckoutModelOptions {
  seed: number;
  /** Distinct customers; activity is Zipf-skewed over them. */
  users: number;
  /** Share of orders the customer later cancels (OrderCancelled follows on the same key). */
  cancelShare: number;
  producer: string;
}

const COUNTRIES = [
  { country: 'DE', currency: 'EUR', cities: ['Berlin', 'Hamburg', 'Munich', 'Cologne'] },
  { country: 'FR', currency: 'EUR', cities: ['Paris', 'Lyon', 'Marseille'] },
  { country: 'NL', currency: 'EUR', cities: ['Amsterdam', 'Rotterdam', 'Utrecht'] },
  { country: 'US', currency: 'USD', cities: ['Austin', 'Chicago', 'Seattle', 'New York'] },
  { country: 'GB', currency: 'GBP', cities: ['London', 'Leeds', 'Bristol'] },
  { country: 'SE', currency: 'SEK', cities: ['Stockholm', 'Gothenburg'] },
] as const;
const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];
const STREETS = ['Market St', 'Station Rd', 'Hauptstrasse', 'Rue de la Paix', 'High St', 'Kungsgatan'];
const SKU_COUNT = 500;
const SKUS = Array.from({ length: SKU_COUNT }, (_, i) => `SKU-${String(i).padStart(5, '0')}`);

interface User {
  id: string;
  address: Address;
  currency: string;
}

/**
 * The checkout domain: many users with skewed activity placing orders of a few line items,
 * some later cancelled. Pure and seeded, so a run can be reproduced and verified.
 */
export class CheckoutModel {
  private readonly rng: SeededRandom;
  private readonly popularity: ZipfSampler;
  private readonly users: User[];
  private readonly skuPrice: number[];

  constructor(private readonly opts: CheckoutModelOptions) {
    this.rng = new SeededRandom(opts.seed);
    this.popularity = new ZipfSampler(opts.users);
    this.users = Array.from({ length: opts.users }, (_, i) => this.makeUser(i));
    this.skuPrice = Array.from({ length: SKU_COUNT }, () => this.rng.int(199, 19_999));
  }

  get random(): SeededRandom {
    return this.rng;
  }

  /** One new order, and the cancellation that will follow it (if this order is cancelled). */
  nextOrder(now: number): { created: OrderCreated; cancelled: OrderCancelled | null } {
    const user = this.users[this.popularity.sample(this.rng)]!;
    const orderId = this.rng.uuid();
    const items: OrderCreated['items'] = [];
    let total = 0;
    for (let n = this.rng.int(1, 4); n > 0; n--) {
      const sku = this.rng.int(0, SKU_COUNT - 1);
      const item = { sku: SKUS[sku]!, quantity: this.rng.int(1, 3), unit_price_minor: this.skuPrice[sku]! };
      items.push(item);
      total += item.quantity * item.unit_price_minor;
    }
    const created: OrderCreated = {
      envelope: this.envelope('OrderCreated', orderId, null, now),
      order_id: orderId,
      user_id: user.id,
      items,
      total_minor: total,
      currency: user.currency,
      shipping_address: user.address,
    };
    const cancelled = this.rng.chance(this.opts.cancelShare)
      ? {
          envelope: this.envelope('OrderCancelled', orderId, created.envelope.event_id, now),
          order_id: orderId,
          user_id: user.id,
          reason: this.rng.pick(['CUSTOMER_REQUEST', 'CUSTOMER_REQUEST', 'FRAUD_SUSPECTED', 'OTHER'] as const),
        }
      : null;
    return { created, cancelled };
  }

  envelope(eventType: string, correlationId: string, causationId: string | null, now: number): EventEnvelope {
    return { event_id: this.rng.uuid(), event_type: eventType, occurred_at: now, correlation_id: correlationId, causation_id: causationId, producer: this.opts.producer };
  }

  private makeUser(i: number): User {
    const place = this.rng.pick(COUNTRIES);
    return {
      id: `user-${String(i).padStart(6, '0')}`,
      currency: place.currency,
      address: {
        name: `${this.rng.pick(FIRST)} ${this.rng.pick(LAST)}`,
        line1: `${this.rng.int(1, 250)} ${this.rng.pick(STREETS)}`,
        line2: this.rng.chance(0.2) ? `Apt ${this.rng.int(1, 40)}` : null,
        city: this.rng.pick(place.cities),
        postal_code: String(this.rng.int(10_000, 99_999)),
        country: place.country,
      },
    };
  }
}
