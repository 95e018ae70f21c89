import { describe, expect, it } from 'vitest';
import { replicaChangeNotices, replicaCounts, replicasToWaitFor } from '../../../src/runtime/redis-replica-wait.js';

/** A slot map as ioredis keeps it: one array per range, shared by every slot of the range. */
function slotMap(ranges: Array<[number, number, string[]]>): string[][] {
  const slots: string[][] = [];
  for (const [lo, hi, nodes] of ranges) for (let s = lo; s <= hi; s++) slots[s] = nodes;
  return slots;
}

describe('WAIT per master, for as many replicas as it has', () => {
  it('counts each master\'s replicas from the slot map', () => {
    const slots = slotMap([
      [0, 5460, ['a:1', 'a:2']],
      [5461, 10922, ['b:1', 'b:2']],
      [10923, 16383, ['c:1']], // promoted: its old master is down
    ]);
    expect(replicaCounts(slots)).toEqual(new Map([['a:1', 1], ['b:1', 1], ['c:1', 0]]));
  });

  it('does not count a master as its own replica (ioredis rewrites the head of a range on MOVED)', () => {
    const moved = ['c:1', 'c:1'];
    expect(replicaCounts(slotMap([[0, 10, moved]]))).toEqual(new Map([['c:1', 0]]));
    expect(replicaCounts([])).toEqual(new Map());
  });

  it('waits for at most the configured number, and for the configured number on a master not counted yet', () => {
    expect(replicasToWaitFor(1, 2)).toBe(1);
    expect(replicasToWaitFor(2, 1)).toBe(1);
    expect(replicasToWaitFor(1, 0)).toBe(0);
    expect(replicasToWaitFor(1, undefined)).toBe(1);
    expect(replicasToWaitFor(0, 3)).toBe(0);
  });

  it('warns once when a master loses its last replica, and says when one is back', () => {
    const healthy = new Map([['a:1', 1], ['b:1', 1], ['c:1', 1]]);
    const failedOver = new Map([['a:1', 1], ['b:1', 1], ['c:2', 0]]);
    const lost = replicaChangeNotices(healthy, failedOver, 1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ level: 'warn' });
    expect(lost[0]!.message).toMatch(/^Redis master c:2 has no replica: .* waiting resumes when a replica joins$/);
    expect(replicaChangeNotices(failedOver, failedOver, 1)).toEqual([]);
    const back = replicaChangeNotices(failedOver, new Map([...failedOver, ['c:2', 1]]), 1);
    expect(back).toEqual([{ level: 'info', message: 'Redis master c:2 has 1 replica again: batches wait for 1 before their Kafka commit (WAIT)' }]);
    // A master without a replica from the start is told too; with WAIT off nothing is.
    expect(replicaChangeNotices(new Map(), new Map([['a:1', 0]]), 1)).toHaveLength(1);
    expect(replicaChangeNotices(healthy, failedOver, 0)).toEqual([]);
  });
});
