import { describe, expect, it } from 'vitest';
import { ServiceMetrics, prometheusText } from '../../../src/runtime/service-metrics.js';
import { parseServiceMetrics } from '../../../src/tui/data/prometheus-metrics.js';

describe('parseServiceMetrics', () => {
  it("reads back what the runtime's prometheusText serves", () => {
    const payment = new ServiceMetrics('payment');
    const shipping = new ServiceMetrics('shipping');
    Object.assign(payment.counters, { processed: 1200, duplicates: 3, retried: 40, forwarded: 5, deadLettered: 2, parked: 1 });
    payment.recordBatch('checkout.orders', 0, 10, 20, 7);
    payment.recordBatch('checkout.orders', 1, 10, 40, 5);
    const rows = parseServiceMetrics(prometheusText([payment, shipping]));
    expect(rows.map((r) => r.service)).toEqual(['payment', 'shipping']);
    expect(rows[0]).toEqual({
      service: 'payment',
      ratePerSec: null,
      processed: 1200,
      duplicates: 3,
      retried: 40,
      forwarded: 5,
      deadLettered: 2,
      parked: 1,
      batchLatencyMsAvg: 30,
      lag: 12,
    });
    expect(rows[1]).toMatchObject({ processed: 0, lag: null });
  });

  it('ignores comments, other metrics and labels it does not know', () => {
    const text = '# HELP x y\nprocess_cpu_seconds_total 12\nstreamflow_processed_total{service="a\\"b",zone="z"} 5\n';
    expect(parseServiceMetrics(text)).toMatchObject([{ service: 'a"b', processed: 5 }]);
  });
});
