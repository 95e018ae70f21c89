import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { encodeDeadLetterHeaders } from '../../../src/dlq/dlq-headers.js';
import { MAX_REDRIVES, REDRIVE_RATE_PER_SEC } from '../../../src/dlq/dlq-defaults.js';
import { planRedrive } from '../../../src/dlq/redrive-job.js';
import { redriveJobId } from '../../../src/dlq/redrive-plan.js';
import type { ClusterSession } from '../../../src/kafka/cluster-session.js';
import type { ConsumedRecord } from '../../../src/kafka/record-reader.js';
import { redriveRequestOf } from '../../../src/tui/data/redrive-request.js';

const DLQ = 'checkout.payment.dlq';

function deadLetter(offset: bigint, originalTopic: string): ConsumedRecord {
  const context = encodeDeadLetterHeaders({
    originalTopic,
    originalPartition: 0,
    originalOffset: String(offset),
    originalTimestamp: '0',
    consumerGroup: 'payment-service',
    errorClass: 'PaymentGatewayTimeout',
    errorMessage: 'timed out',
    stack: '',
    service: 'payment',
    attempts: 3,
    firstFailure: 'a',
    lastFailure: 'b',
  });
  return { topic: DLQ, partition: 0, offset, timestamp: 1000, key: Buffer.from(`o-${offset}`), value: Buffer.from('v'), headers: Object.entries(context).map(([key, value]) => ({ key, value })) };
}

/** One DLQ partition holding `records`; the cluster has the DLQ and `existing` topics, and answers partitions() as Kafka's does. */
function fakeSession(records: ConsumedRecord[], existing: string[]): ClusterSession {
  const topics = new Set([DLQ, ...existing]);
  return {
    groups: { committed: async () => [] },
    offsets: {
      partitions: async (names: string[]) => {
        const missing = names.filter((t) => !topics.has(t));
        if (missing.length > 0) throw new UsageError(`no such topic: ${missing.join(', ')}`);
        return new Map(names.map((t) => [t, [0]]));
      },
      ranges: async (refs: Array<{ topic: string; partition: number }>) => refs.map((r) => ({ ...r, earliest: 0n, latest: BigInt(records.length) })),
    },
    records: {
      read: async (_topic: string, _partition: number, from: bigint) => ({ records: records.filter((r) => r.offset >= from), nextOffset: BigInt(records.length), atEnd: true }),
    },
  } as unknown as ClusterSession;
}

const signal = new AbortController().signal;

describe("the dashboard's redrive request", () => {
  it("carries `dlq redrive`'s default rate and max redrives, and the whole DLQ its default job id", () => {
    const all = redriveRequestOf({ topic: DLQ, all: true, keys: [] }, signal);
    expect(all).toMatchObject({ topic: DLQ, ratePerSec: REDRIVE_RATE_PER_SEC, maxRedrives: MAX_REDRIVES, filters: [] });
    expect(all.jobId).toBe(redriveJobId(DLQ, undefined, []));
    const picked = redriveRequestOf({ topic: DLQ, all: false, keys: ['0/1'] }, signal);
    expect(picked).toMatchObject({ ratePerSec: REDRIVE_RATE_PER_SEC, maxRedrives: MAX_REDRIVES });
    expect(picked.jobId).not.toBe(all.jobId);
  });

  it('is refused when a target topic does not exist, as `dlq redrive` refuses it', async () => {
    const records = [deadLetter(0n, 'checkout.orders'), deadLetter(1n, 'checkout.gone')];
    const request = redriveRequestOf({ topic: DLQ, all: true, keys: [] }, signal);
    await expect(planRedrive(fakeSession(records, ['checkout.orders']), request)).rejects.toThrow(/no such topic: checkout.gone/);
    const plan = await planRedrive(fakeSession(records, ['checkout.orders', 'checkout.gone']), request);
    expect(plan.byTarget).toEqual({ 'checkout.orders': 1, 'checkout.gone': 1 });
  });

  it('plans only the hand-picked records', async () => {
    const records = [deadLetter(0n, 'checkout.orders'), deadLetter(1n, 'checkout.gone')];
    const plan = await planRedrive(fakeSession(records, ['checkout.orders']), redriveRequestOf({ topic: DLQ, all: false, keys: ['0/0'] }, signal));
    expect(plan).toMatchObject({ planned: 1, byTarget: { 'checkout.orders': 1 } });
  });
});
