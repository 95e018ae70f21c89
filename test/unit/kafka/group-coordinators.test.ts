import { describe, expect, it } from 'vitest';
import { GroupCoordinators } from '../../../src/kafka/group-requests.js';
import type { RawCluster } from '../../../src/kafka/kafkajs-cluster.js';

type Resp = { decode(b: Buffer): Promise<unknown>; parse(d: unknown): Promise<unknown> };

/** A cluster whose FindCoordinator answers from `where` and counts the calls; its brokers refuse connections when `down`. */
function cluster(where: Record<string, number>, down = new Set<string>()) {
  const calls: string[] = [];
  const c = {
    findGroupCoordinatorMetadata: async ({ groupId }: { groupId: string }) => {
      calls.push(groupId);
      return { coordinator: { nodeId: where[groupId]! } };
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => {
      if (down.has(nodeId)) throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
      // As kafkajs' connection does with an answer: decode, then parse.
      return { connectionPool: { send: async ({ response }: { response: Resp }) => response.parse(await response.decode(Buffer.alloc(0))) } };
    },
  };
  return { c: c as unknown as RawCluster, calls };
}

const request = { apiKey: 9, apiVersion: 3, apiName: 'OffsetFetch', body: Buffer.alloc(0), decode: () => 'answer' };

describe('group coordinators', () => {
  it('asks FindCoordinator once per group, again after NOT_COORDINATOR', async () => {
    const { c, calls } = cluster({ g: 1, h: 2 });
    const coordinators = new GroupCoordinators(c);
    expect(await coordinators.of('g')).toBe('1');
    expect(await coordinators.of('g')).toBe('1');
    expect(await coordinators.of('h')).toBe('2');
    expect(calls).toEqual(['g', 'h']);
    expect(() => coordinators.check(16, ['g'])).toThrow(expect.objectContaining({ type: expect.stringMatching(/^NOT_COORDINATOR/) }));
    await coordinators.of('g');
    await coordinators.of('h');
    expect(calls).toEqual(['g', 'h', 'g']);
  });

  it('forgets the coordinator of a request that failed to reach it (a broker gone)', async () => {
    const where = { g: 1 };
    const down = new Set(['1']);
    const { c, calls } = cluster(where, down);
    const coordinators = new GroupCoordinators(c);
    await expect(coordinators.send(['g'], await coordinators.of('g'), request)).rejects.toThrow(/ECONNREFUSED/);
    where.g = 2;
    expect(await coordinators.send(['g'], await coordinators.of('g'), request)).toBe('answer');
    expect(calls).toEqual(['g', 'g']);
  });

  it('a non-coordinator error is thrown as Kafka named it and keeps the coordinator', async () => {
    const { c, calls } = cluster({ g: 1 });
    const coordinators = new GroupCoordinators(c);
    await coordinators.of('g');
    expect(() => coordinators.check(30, ['g'])).toThrow(expect.objectContaining({ type: 'GROUP_AUTHORIZATION_FAILED' }));
    coordinators.check(0, ['g']);
    await coordinators.of('g');
    expect(calls).toEqual(['g']);
  });
});
