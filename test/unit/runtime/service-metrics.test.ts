import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { ServiceMetrics, prometheusText, serveMetrics } from '../../../src/runtime/service-metrics.js';

describe('prometheusText', () => {
  it('serves batch latency as a cumulative histogram with its sum and count', () => {
    const payment = new ServiceMetrics('payment');
    for (const ms of [3, 40, 40, 700, 60_000]) payment.recordBatch('checkout.orders', 0, 10, ms, 0);
    const lines = prometheusText([payment]).split('\n');
    const bucket = (le: string) => lines.find((l) => l.startsWith(`streamflow_batch_latency_ms_bucket{service="payment",le="${le}"}`))?.split(' ')[1];
    expect(lines).toContain('# TYPE streamflow_batch_latency_ms histogram');
    expect([bucket('5'), bucket('50'), bucket('1000'), bucket('30000'), bucket('+Inf')]).toEqual(['1', '3', '4', '4', '5']);
    expect(lines).toContain('streamflow_batch_latency_ms_sum{service="payment"} 60783');
    expect(lines).toContain('streamflow_batch_latency_ms_count{service="payment"} 5');
  });
});

describe('serveMetrics', () => {
  it('serves /metrics, and names the flag and the address when the port is taken', async () => {
    const server = await serveMetrics(0, [new ServiceMetrics('payment')]);
    const { port } = server.address() as { port: number };
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('streamflow_processed_total{service="payment"} 0');
      const taken = serveMetrics(port, [new ServiceMetrics('payment')]);
      await expect(taken).rejects.toBeInstanceOf(UsageError);
      await expect(taken).rejects.toThrow(`--metrics-port ${port}: 127.0.0.1:${port} is already in use`);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
