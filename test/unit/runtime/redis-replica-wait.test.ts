import { describe, expect, it } from 'vitest';
import type { RedisClient } from '../../../src/runtime/redis-client.js';
import { ReplicaWait, onlineReplicas, replicaChangeNotices, replicaCounts, replicasToWaitFor } from '../../../src/runtime/redis-replica-wait.js';

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

  it('counts only the replicas of a single Redis that are in sync', () => {
    const info = '# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=127.0.0.1,port=46802,state=wait_bgsave,offset=0,lag=0\r\nslave1:ip=127.0.0.1,port=46803,state=online,offset=42,lag=0\r\n';
    expect(onlineReplicas(info)).toBe(1);
    expect(onlineReplicas('# Replication\r\nrole:master\r\nconnected_slaves:0\r\n')).toBe(0);
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

/** A master as the WAIT path uses it: WAITs are answered when the test says so. */
function fakeMaster(port: number) {
  const sent: Array<{ need: number; answer: (n: number) => void }> = [];
  return {
    sent,
    options: { host: '127.0.0.1', port },
    wait: (need: number) => new Promise<number>((answer) => sent.push({ need, answer })),
  };
}

async function fakeCluster(masters: Array<ReturnType<typeof fakeMaster>>, replicas: number[]) {
  const slots = masters.map((m, i) => [`127.0.0.1:${m.options.port}`, ...Array.from({ length: replicas[i]! }, (_, r) => `127.0.0.1:${m.options.port + 100 + r}`)]);
  let current = [...masters];
  const cluster = { isCluster: true, slots, on: () => cluster, nodes: () => current, refreshSlotsCache: (cb: () => void) => cb() };
  const notices: string[] = [];
  const wait = await ReplicaWait.start(cluster as unknown as RedisClient, { max: 1, timeoutMs: 2_000, warn: (m) => notices.push(m), log: (m) => notices.push(m) });
  return { wait, notices, failOver: (to: Array<ReturnType<typeof fakeMaster>>) => void (current = to) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the WAIT after each batch (fake masters)', () => {
  it('skips a master without a replica, and shares one WAIT among the batches that come while one runs', async () => {
    const [a, b] = [fakeMaster(7000), fakeMaster(7001)];
    const { wait, notices } = await fakeCluster([a, b], [1, 0]);
    expect(notices).toEqual([expect.stringMatching(/^Redis master 127\.0\.0\.1:7001 has no replica/)]);

    const first = wait.waitFor(wait.targets());
    await tick();
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(0); // no replica: nothing to wait for
    // Two batches finish their writes while the first WAIT runs: it does not cover them.
    const second = wait.waitFor(wait.targets());
    const third = wait.waitFor(wait.targets());
    await tick();
    expect(a.sent).toHaveLength(1);
    a.sent[0]!.answer(1);
    await first;
    await tick();
    expect(a.sent).toHaveLength(2); // one WAIT for both, sent after the first was answered
    a.sent[1]!.answer(1);
    await Promise.all([second, third]);
    expect(wait.stats.batches).toBe(3);
  });

  it('fails the batch (retriable) when the replica does not acknowledge, or when a master is gone meanwhile', async () => {
    const [a, b, c] = [fakeMaster(7000), fakeMaster(7001), fakeMaster(7002)];
    const { wait, failOver } = await fakeCluster([a, b], [1, 1]);
    const short = wait.waitFor(wait.targets());
    await tick();
    a.sent[0]!.answer(0);
    b.sent[0]!.answer(1);
    await expect(short).rejects.toMatchObject({ name: 'StoreError', retriable: true, message: expect.stringMatching(/replica of Redis master 127\.0\.0\.1:7000 did not acknowledge/) });

    const before = wait.targets();
    failOver([c, b]); // a was killed while the batch wrote; c took over its slots
    await expect(wait.waitFor(before)).rejects.toMatchObject({ name: 'StoreError', message: expect.stringMatching(/master 127\.0\.0\.1:7000 stopped serving its slots/) });
  });
});
