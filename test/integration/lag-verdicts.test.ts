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
    const g = Object.fromEntries(['stopped', 'stalled', 'rewound', 'behind', 'caughtUp', 'lost'].map((k) => [k, uniqueName(`v-${k}`)]));
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      // An hour's retention on the busy topic: its first unconsumed record is at risk in under an hour.
      await admin.createTopics({ topics: [topic, idle, gone].map((t) => ({ topic: t, numPartitions: 1, ...(t === topic ? { configEntries: [{ name: 'retention.ms', value: '3600000' }] } : {}) })), waitForLeaders: true });
      const write = (t: string, n: number) => producer.send({ topic: t, messages: Array.from({ length: n }, (_, i) => ({ value: `r${i}` })) });
      await write(topic, 20);
      await write(idle, 20);
      await write(gone, 20);
      await withClusterSession(conn, async (s) => {
        const commit = (group: string, t: string, offset: number) => s.groups.commit(group, [{ topic: t, partition: 0, offset: BigInt(offset) }]);
        await commit(g.stopped!, topic, 5);
        await commit(g.stalled!, topic, 5);
        await commit(g.rewound!, topic, 15);
        await commit(g.behind!, topic, 10);
        await commit(g.caughtUp!, idle, 20);
        await commit(g.lost!, gone, 2);
        await admin.fetchTopicMetadata({ topics: [gone] }); // kafkajs' admin finds the leader only in metadata it fetched
        await admin.deleteTopicRecords({ topic: gone, partitions: [{ partition: 0, offset: '10' }] });

        // While it watches: re-commit, rewind, fall behind (3 consumed a second, 6 produced).
        const evaluation = runCli(['lag', '--evaluate', '6s', '--interval', '1s', '--json', ...Object.values(g).flatMap((id) => ['--group', id]), '--fail-on', 'STOP']);
        for (let i = 0; i < 6; i++) {
          await new Promise((r) => setTimeout(r, 1_000));
          await commit(g.stalled!, topic, 5);
          await commit(g.behind!, topic, 10 + 3 * (i + 1));
          await write(topic, 6);
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
      });
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  }, 60_000);
});

describe('lag serve: a Prometheus endpoint with kafka-lag-exporter\'s names', () => {
  afterEach(killSpawnedClis);

  it('serves a group\'s lag, time lag, sum and verdict, and stops on SIGTERM with exit 130', async () => {
    const conn = testConnection();
    const kafka = createKafka(conn);
    const topic = uniqueName('serve');
    const group = uniqueName('serve-g');
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: `r${i}` })) });
      await withClusterSession(conn, (s) => s.groups.commit(group, [{ topic, partition: 0, offset: 5n }]));
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
    const port = await freePort();
    const served = spawnCli(['lag', 'serve', '--port', String(port), '--interval', '1s'], testEnv());
    let text = '';
    for (let i = 0; i < 60 && !text.includes(`group="${group}"`); i++) {
      await new Promise((r) => setTimeout(r, 500));
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
    }
    const labels = `group="${group}",topic="${topic}",partition="0"`;
    expect(text, served.output()).toContain(`kafka_consumergroup_group_lag{${labels}} 15`);
    expect(text).toMatch(new RegExp(`kafka_consumergroup_group_lag_seconds\\{${labels}\\} [0-9.]+`));
    expect(text).toContain(`kafka_consumergroup_group_sum_lag{group="${group}"} 15`);
    expect(text).toContain(`kafka_consumergroup_group_max_lag{group="${group}"} 15`);
    expect(text).toContain(`streamflow_consumergroup_status{group="${group}",status="OK"} 1`);
    expect(text).toContain(`streamflow_consumergroup_lost_records{${labels}} 0`);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(130);
    expect(served.stderr()).toMatch(/lag serve stopped by signal after \d+ polls?/);
  }, 60_000);
});
