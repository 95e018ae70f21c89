import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/processes.js';
import { createKafka } from '../../src/kafka/client.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import { killSpawnedClis, runCli, spawnCli, testConnection, testEnv, uniqueName } from './helpers.js';

/**
 * `lag --evaluate` on the real broker, each verdict scripted with real commits while it
 * watches: a stopped group, a stalled one re-committing its offset, a rewound one, one falling
 * behind, a caught-up one on an idle topic, and one whose records DeleteRecords removed before
 * it read them.
 */
describe('lag --evaluate: verdicts from offsets and __consumer_offsets commits', () => {
  it('classifies STOP, STALL, REWIND, WARN, OK and ERROR, with the lost count', async () => {
    const conn = testConnection();
    const kafka = createKafka(conn);
    const topic = uniqueName('verdicts');
    const idle = uniqueName('verdicts-idle');
    const gone = uniqueName('verdicts-gone');
    const sized = uniqueName('verdicts-sized');
    const g = Object.fromEntries(['stopped', 'stalled', 'rewound', 'behind', 'caughtUp', 'lost', 'bySize'].map((k) => [k, uniqueName(`v-${k}`)]));
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      // An hour's retention on the busy topic: its first unconsumed record is at risk in under an
      // hour. 4 KiB by size only on `sized`, which grows by some 120 bytes a second meanwhile.
      const configs: Record<string, Array<{ name: string; value: string }>> = {
        [topic]: [{ name: 'retention.ms', value: '3600000' }],
        [sized]: [{ name: 'retention.bytes', value: '4096' }, { name: 'retention.ms', value: '-1' }],
      };
      await admin.createTopics({ topics: [topic, idle, gone, sized].map((t) => ({ topic: t, numPartitions: 1, configEntries: configs[t] ?? [] })), waitForLeaders: true });
      const write = (t: string, n: number) => producer.send({ topic: t, messages: Array.from({ length: n }, (_, i) => ({ value: `r${i}` })) });
      await write(topic, 20);
      await write(idle, 20);
      await write(gone, 20);
      await write(sized, 20);
      await withClusterSession(conn, async (s) => {
        const commit = (group: string, t: string, offset: number) => s.groups.commit(group, [{ topic: t, partition: 0, offset: BigInt(offset) }]);
        await commit(g.stopped!, topic, 5);
        await commit(g.stalled!, topic, 5);
        await commit(g.rewound!, topic, 15);
        await commit(g.behind!, topic, 10);
        await commit(g.caughtUp!, idle, 20);
        await commit(g.lost!, gone, 2);
        await commit(g.bySize!, sized, 0);
        await admin.fetchTopicMetadata({ topics: [gone] }); // kafkajs' admin finds the leader only in metadata it fetched
        await admin.deleteTopicRecords({ topic: gone, partitions: [{ partition: 0, offset: '10' }] });

        // While it watches: re-commit, rewind, fall behind (3 consumed a second, 6 produced).
        const evaluation = runCli(['lag', '--evaluate', '6s', '--interval', '1s', '--json', ...Object.values(g).flatMap((id) => ['--group', id]), '--fail-on', 'STOP']);
        for (let i = 0; i < 6; i++) {
          await new Promise((r) => setTimeout(r, 1_000));
          await commit(g.stalled!, topic, 5);
          await commit(g.behind!, topic, 10 + 3 * (i + 1));
          await write(topic, 6);
          await write(sized, 6);
          if (i === 2) await commit(g.rewound!, topic, 12);
        }
        const run = await evaluation;
        expect(run.code, run.stderr).toBe(1); // --fail-on STOP: the stopped group fails the check
        const doc = JSON.parse(run.stdout) as { groups: Array<{ group: string; status: string; reason: string; partitions: Array<{ status: string; lostRecords: number; retentionRiskMs: number | null }> }> };
        const status = Object.fromEntries(doc.groups.map((x) => [x.group, x]));
        const summary = JSON.stringify(doc.groups.map((x) => [x.group, x.status, x.reason]));
        expect(status[g.stopped!]?.status, summary).toBe('STOP');
        expect(status[g.stalled!]?.status, summary).toBe('STALL');
        expect(status[g.rewound!]?.status, summary).toBe('REWIND');
        expect(status[g.behind!]?.status, summary).toBe('WARN');
        expect(status[g.caughtUp!]?.status, summary).toBe('OK');
        expect(status[g.lost!], summary).toMatchObject({ status: 'ERROR', partitions: [{ status: 'ERROR', lostRecords: 8 }] });
        expect(run.stderr).toContain(g.stopped);
        const risk = status[g.stopped!]!.partitions[0]!.retentionRiskMs!;
        expect(risk).toBeGreaterThan(3_500_000);
        expect(risk).toBeLessThanOrEqual(3_600_000);
        expect(status[g.caughtUp!]!.partitions[0]!.retentionRiskMs).toBeNull(); // nothing unconsumed, nothing at risk
        // ~1 KB of 56 records all unconsumed: 4 KiB is reached in some 25 s at ~120 bytes a second.
        const bySize = status[g.bySize!]!.partitions[0]!.retentionRiskMs!;
        expect(bySize).toBeGreaterThan(10_000);
        expect(bySize).toBeLessThan(60_000);
      });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  }, 60_000);
});

describe('lag serve: a Prometheus endpoint with kafka-lag-exporter\'s names', () => {
  afterEach(killSpawnedClis);

  it('serves a group\'s lag, time lag, sum and verdict (STALL apart from STOP, from the commit log), and stops on SIGTERM with exit 130', async () => {
    const conn = testConnection();
    const kafka = createKafka(conn);
    const topic = uniqueName('serve');
    // `group` stays silent (STOP once a window passed); `stalled` re-commits its offset every 500 ms.
    const [group, stalled] = ['serve-g', 'serve-stalled'].map(uniqueName) as [string, string];
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: `r${i}` })) });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
    await withClusterSession(conn, async (s) => {
      for (const g of [group, stalled]) await s.groups.commit(g, [{ topic, partition: 0, offset: 5n }]);
      const port = await freePort();
      const served = spawnCli(['lag', 'serve', '--port', String(port), '--interval', '1s', '--window', '3s'], testEnv());
      const status = (g: string, st: string) => `streamflow_consumergroup_status{group="${g}",status="${st}"} 1`;
      let text = '';
      for (let i = 0; i < 60 && !(text.includes(status(stalled, 'STALL')) && text.includes(status(group, 'STOP'))); i++) {
        await new Promise((r) => setTimeout(r, 500));
        await s.groups.commit(stalled, [{ topic, partition: 0, offset: 5n }]);
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      }
      const labels = `group="${group}",topic="${topic}",partition="0"`;
      expect(text, served.output()).toContain(`kafka_consumergroup_group_lag{${labels}} 15`);
      expect(text).toMatch(new RegExp(`kafka_consumergroup_group_lag_seconds\\{${labels}\\} [0-9.]+`));
      expect(text).toContain(`kafka_consumergroup_group_sum_lag{group="${group}"} 15`);
      expect(text).toContain(`kafka_consumergroup_group_max_lag{group="${group}"} 15`);
      expect(text).toContain(status(stalled, 'STALL'));
      expect(text).toContain(status(group, 'STOP'));
      expect(text).toContain(`streamflow_consumergroup_lost_records{${labels}} 0`);
      served.child.kill('SIGTERM');
      expect(await served.exited).toBe(130);
      expect(served.stderr()).toMatch(/lag serve stopped by signal after \d+ polls?/);
    });
  }, 60_000);
});
