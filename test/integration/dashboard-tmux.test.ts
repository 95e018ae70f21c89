import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDeadLetterHeaders, STREAMFLOW } from '../../src/dlq/dlq-headers.js';
import { createKafka } from '../../src/kafka/client.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import { connectProducer } from '../../src/kafka/producer.js';
import { displayWidth } from '../../src/text/text-width.js';
import { waitFor } from '../../src/dev/processes.js';
import { formatCount } from '../../src/tui/layout/format.js';
import { runCli, spawnCli, testConnection, testEnv, testStack, uniqueName } from './helpers.js';

/*
 * The real dashboard (node bin/streamflow dashboard) in a real terminal (tmux) against the
 * real stack: what an operator sees, and that a redrive started from it moves the records.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/streamflow');
// A tmux server of our own, so the test never touches the operator's sessions.
const SOCKET = `streamflow-test-${process.pid}`;
const topic = uniqueName('dash');
const dlq = `${topic}.dlq`;
const group = uniqueName('dash-g');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-dash-'));

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** dist/ is what bin/streamflow runs: build it when a dashboard source is newer (CI builds it in `npm ci`). */
function ensureBuilt(): void {
  const built = path.join(ROOT, 'dist/src/tui/run-dashboard.js');
  const sources = [path.join(ROOT, 'commands/dashboard.ts'), ...fs.readdirSync(path.join(ROOT, 'src/tui'), { recursive: true, encoding: 'utf8' }).map((f) => path.join(ROOT, 'src/tui', f))];
  const newest = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest) execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Run the dashboard in a tmux session. With `contexts`: a config file of its own with those
 * contexts, each pointing at the test stack, the first one current (no STREAMFLOW_* endpoints,
 * which would override them).
 */
function startDashboard(name: string, columns: number, rows: number, opts: { contexts?: string[] } = {}): void {
  const s = testStack();
  const endpoints = { STREAMFLOW_BROKERS: s.brokers.join(','), STREAMFLOW_REGISTRY: s.registryUrl, STREAMFLOW_REDIS: s.redisUrl };
  let config = path.join(home, 'config.yaml');
  if (opts.contexts) {
    config = path.join(home, `${name}-config.yaml`);
    const context = { brokers: s.brokers, registry: { url: s.registryUrl }, redis: { url: s.redisUrl } };
    fs.writeFileSync(config, JSON.stringify({ 'current-context': opts.contexts[0], contexts: Object.fromEntries(opts.contexts.map((c) => [c, context])) }));
  }
  const env = {
    ...(opts.contexts ? {} : endpoints),
    STREAMFLOW_CONFIG: config,
    STREAMFLOW_STATE_DIR: path.join(home, 'state'),
    TERM: 'xterm-256color',
  };
  const assignments = Object.entries(env).map(([k, v]) => `${k}='${v}'`);
  // CI=true would (rightly) make the dashboard refuse: this terminal is interactive.
  const command = `env -u CI ${assignments.join(' ')} '${process.execPath}' '${BIN}' dashboard --refresh 1s; echo "EXITED $?"; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), command);
}

/** The screen as text, wrapped lines joined (-J) so a line wider than the terminal shows as one. */
function screen(name: string): string {
  return tmux('capture-pane', '-p', '-J', '-t', name);
}

/**
 * Press a key (a tmux key name, or text with `literal`) and wait until the screen shows its
 * effect: on a busy machine keys sent back to back can reach the app faster than it reads them.
 */
async function press(name: string, key: string, shows: RegExp | string, opts: { literal?: boolean } = {}): Promise<string> {
  tmux('send-keys', '-t', name, ...(opts.literal ? ['-l'] : []), key);
  return waitForScreen(name, shows);
}

async function waitForScreen(name: string, check: RegExp | string, ms = 30_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = screen(name);
    if (typeof check === 'string' ? text.includes(check) : check.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${check}; it shows:\n${text}`);
    await sleep(200);
  }
}

/** Records on the target topic that a redrive job wrote (they carry streamflow.redrive-job). */
async function redrivenRecords(): Promise<Array<{ key: string; job: string }>> {
  return withClusterSession(testConnection(), async (s) => {
    const ranges = await s.offsets.ranges([0, 1, 2].map((partition) => ({ topic, partition })));
    const out: Array<{ key: string; job: string }> = [];
    for (const r of ranges) {
      const { records } = await s.records.read(topic, r.partition, r.earliest, { maxRecords: 1_000, untilOffset: r.latest });
      for (const rec of records) {
        const job = rec.headers.find((h) => h.key === STREAMFLOW.redriveJob)?.value;
        if (job) out.push({ key: rec.key?.toString() ?? '', job: job.toString() });
      }
    }
    return out;
  });
}

function expectFits(text: string, columns: number, rows: number): void {
  const lines = text.replace(/\n+$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const l of lines) expect(displayWidth(l), `wider than ${columns}: "${l}"`).toBeLessThanOrEqual(columns);
  expect(lines[0]).toMatch(/^streamflow · /);
}

beforeAll(async () => {
  ensureBuilt();
  const env = testEnv();
  for (const [name, partitions] of [
    [topic, '3'],
    [dlq, '1'],
  ] as const) {
    const r = await runCli(['topic', 'create', name, '--partitions', partitions], env);
    expect(r.code, r.stderr).toBe(0);
  }
  const producer = await connectProducer(testConnection(), { idempotent: true, acks: -1, compression: 'none' });
  try {
    for (const partition of [0, 1, 2]) {
      await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ key: `order-${partition}-${i}`, value: Buffer.from(`payload ${i}`), partition })));
    }
    const now = new Date().toISOString();
    await producer.send(
      dlq,
      [1, 2].map((i) => ({
        key: `order-dead-${i}`,
        value: Buffer.from(`not avro ${i}`),
        partition: 0,
        headers: encodeDeadLetterHeaders({
          originalTopic: topic,
          originalPartition: 0,
          originalOffset: String(i),
          originalTimestamp: String(Date.now()),
          consumerGroup: group,
          errorClass: 'com.acme.DashTestError',
          errorMessage: `gateway refused order-dead-${i}`,
          stack: 'at test',
          service: 'payment',
          attempts: 3,
          firstFailure: now,
          lastFailure: now,
        }),
      })),
    );
  } finally {
    await producer.disconnect();
  }
  // The group has consumed 4 of each partition's 10 records: lag 6 per partition, 18 in all.
  const reset = await runCli(['offsets', 'reset', '--group', group, '--topic', topic, '--to-offset', '4', '--execute'], env);
  expect(reset.code, reset.stderr).toBe(0);
});

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // No server: nothing was started.
  }
  fs.rmSync(home, { recursive: true, force: true });
});

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Filter the current list down to `text` ('/', type, Enter) and wait for `row`. */
async function filterTo(name: string, text: string, row: RegExp): Promise<string> {
  await press(name, '/', /^\/▏/m);
  await press(name, text, `/${text}▏`, { literal: true });
  return press(name, 'Enter', row);
}

describe('streamflow dashboard in a terminal', () => {
  const groupRow = new RegExp(`${escaped(group)}\\s+Empty\\s+0\\s+18\\s`);
  const partitionRow = new RegExp(`${escaped(topic)}\\s+0\\s+4\\s+10\\s+6\\s`);
  const dlqRow = new RegExp(`${escaped(dlq)}\\s+2\\s`);

  it('shows a lagging group and dead letters, and redrives them from the DLQ view', async () => {
    const name = 'wide';
    startDashboard(name, 120, 40);
    await waitForScreen(name, /refreshed \d\d:\d\d:\d\d · every 1s/);

    await press(name, '3', '[3 Groups]');
    await filterTo(name, group, groupRow);
    const partitions = await press(name, 'Enter', new RegExp(`${partitionRow.source}.*[▁▂▃▄▅▆▇█]+`));
    expect(partitions).toContain(`Group ${group}: Empty, 0 members, lag 18`);
    expectFits(partitions, 120, 40);

    await press(name, 'Escape', groupRow);
    await press(name, '4', '[4 DLQ]');
    expect(await filterTo(name, dlq, dlqRow)).toMatch(new RegExp(`${dlqRow.source}.*DashTestError 2`));
    const records = await press(name, 'Enter', `${dlq}: the oldest 2 records · 0 picked`);
    expect(records).toMatch(/\[ \]\s+0\/0\s/);
    expect(records).toContain('error com.acme.DashTestError: gateway refused order-dead-1');
    expect(records).toContain(`original ${topic}/0/1 · service payment · group ${group} · attempts 3`);

    await press(name, 'a', 'all records of');
    const plan = await press(name, 'r', 'Send them? y: redrive · n: cancel');
    expect(plan).toMatch(new RegExp(`${escaped(topic)}\\s+2\\s`));
    expect(await redrivenRecords()).toEqual([]);
    const done = await press(name, 'y', /redrove 2 records/);
    expect(done).toContain(`(${topic} 2), skipped 0.`);
    expectFits(done, 120, 40);

    const sent = await redrivenRecords();
    expect(sent.map((r) => r.key).sort()).toEqual(['order-dead-1', 'order-dead-2']);

    await press(name, 'Escape', '0 picked');
    await press(name, 'q', 'EXITED 0');
  });

  it("shows a topic's latest records, filters them, follows them live and shows one whole", async () => {
    const name = 'records';
    startDashboard(name, 120, 40);
    await waitForScreen(name, /refreshed \d\d:\d\d:\d\d · every 1s/);
    await press(name, '2', '[2 Topics]');
    await filterTo(name, topic, new RegExp(`${escaped(topic)}\\s+3\\s`));
    await press(name, 'Enter', `Topic ${topic}: 3 partitions`);
    const records = await press(name, 'Enter', /order-2-9\s+payload 9/);
    expect(records).toMatch(new RegExp(`PAUSED · ${escaped(topic)} · the latest \\d+ records`));
    for (const p of [0, 1, 2]) expect(records).toMatch(new RegExp(`\\s${p}\\s+9\\s+\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+order-${p}-9\\s+payload 9`));
    expectFits(records, 120, 40);

    const one = await filterTo(name, 'order-1-7', /1 of the latest \d+ records match "order-1-7"/);
    expect(one).toMatch(/1\s+7\s+.*order-1-7\s+payload 7/);
    expect(one).not.toContain('order-2-9');
    const whole = await press(name, 'Enter', `── ${topic}/1/7 · `);
    expect(whole).toContain('"key": "order-1-7",');
    expect(whole).toContain('"value": "payload 7",');
    expect(whole).toContain('"valueFormat": "text",');
    await press(name, 'Escape', /1\s+7\s+.*order-1-7\s+payload 7/);

    // LIVE: a record written now shows at the next refresh.
    await press(name, 'l', `LIVE · ${topic}`);
    const producer = await connectProducer(testConnection(), { idempotent: true, acks: -1, compression: 'none' });
    try {
      await producer.send(topic, [{ key: 'order-1-7-again', value: Buffer.from('payload live'), partition: 1 }]);
    } finally {
      await producer.disconnect();
    }
    expect(await waitForScreen(name, /order-1-7-again\s+payload live/, 10_000)).toMatch(/2 of the latest \d+ records match "order-1-7"/);

    await press(name, 'Escape', `Topic ${topic}: 3 partitions`);
    await press(name, 'q', 'EXITED 0');
  });

  it(':groups, a regex filter inverted with ! and :ctx to another context and back', async () => {
    const name = 'commands';
    startDashboard(name, 80, 24, { contexts: ['main', 'other'] });
    await waitForScreen(name, /^streamflow · main · .*refreshed \d\d:\d\d:\d\d/m);
    await press(name, ':', /^:▏/m);
    await press(name, 'gr', /^:gr▏\n.*· groups$/m, { literal: true });
    await press(name, 'Tab', /^:groups▏/m);
    await press(name, 'Enter', '[3 Groups]');
    // Rows that do not fail to start with the group's name: only that group.
    await press(name, '/', /^\/▏/m);
    await press(name, `!^(?!${group})`, /^\/!\^\(\?!.*▏/m, { literal: true });
    const inverted = await press(name, 'Enter', /^row 1 of 1 · filter "!\^\(\?!/m);
    expect(inverted).toMatch(new RegExp(`${escaped(group)}\\s+Empty\\s+0\\s+\\d+\\s`));
    expectFits(inverted, 80, 24);

    await press(name, ':', /^:▏/m);
    await press(name, 'ctx o', /^:ctx o▏/m, { literal: true });
    await press(name, 'Tab', /^:ctx other▏/m);
    const other = await press(name, 'Enter', /^streamflow · other · .*refreshed \d\d:\d\d:\d\d/m);
    expect(other).toContain('[3 Groups]');
    expectFits(other, 80, 24);
    await press(name, ':', /^:▏/m);
    await press(name, 'ctx main', /^:ctx main▏/m, { literal: true });
    await press(name, 'Enter', /^streamflow · main · .*refreshed \d\d:\d\d:\d\d/m);
    await press(name, ':', /^:▏/m);
    await press(name, 'q', /^:q▏/m, { literal: true });
    await press(name, 'Enter', 'EXITED 0');
  });

  it("x-rays a live group: its member's client id, its DLQ with the right depth, Enter → the DLQ's records", async () => {
    // A group with a live member on a topic of its own, whose DLQ (by name: <topic>.dlq) holds 3 poison records.
    const input = uniqueName('xray-orders');
    const deadLetters = `${input}.dlq`;
    const liveGroup = uniqueName('xray-svc');
    for (const t of [input, deadLetters]) expect((await runCli(['topic', 'create', t, '--partitions', '2'], testEnv())).code).toBe(0);
    const producer = await connectProducer(testConnection(), { idempotent: true, acks: -1, compression: 'none' });
    try {
      await producer.send(input, Array.from({ length: 6 }, (_, i) => ({ key: `order-${i}`, value: Buffer.from(`payload ${i}`), partition: i % 2 })));
      const now = new Date().toISOString();
      const poison = (i: number) => ({
        key: `poison-${i}`,
        value: Buffer.from(`poison ${i}`),
        partition: i % 2,
        headers: encodeDeadLetterHeaders({
          ...{ originalTopic: input, originalPartition: i % 2, originalOffset: String(i), originalTimestamp: String(Date.now()), consumerGroup: liveGroup },
          ...{ errorClass: 'com.acme.PoisonPillError', errorMessage: `cannot decode poison-${i}`, stack: 'at test', service: 'payment', attempts: 3, firstFailure: now, lastFailure: now },
        }),
      });
      await producer.send(deadLetters, [0, 1, 2].map(poison));
    } finally {
      await producer.disconnect();
    }
    const consumer = createKafka(testConnection(), { clientId: 'xray-payment-1' }).consumer({ groupId: liveGroup });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [input], fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });

      const name = 'xray';
      startDashboard(name, 120, 40);
      await waitForScreen(name, /refreshed \d\d:\d\d:\d\d · every 1s/);
      await press(name, '3', '[3 Groups]');
      await filterTo(name, liveGroup, new RegExp(`${escaped(liveGroup)}\\s+Stable\\s+1\\s`));
      const xray = await press(name, 'x', new RegExp(`› DLQ\\s+${escaped(deadLetters)}\\s+3\\s+PoisonPillError 3`));
      expect(xray).toContain(`X-ray of group ${liveGroup} · Stable, 1 member`);
      expect(xray).toMatch(new RegExp(`xray-payment-1\\s+/\\S+\\s+${escaped(input)}\\[0,1\\]`));
      expect(xray).toMatch(new RegExp(`${escaped(input)}\\s+1\\s+0\\s`));
      expectFits(xray, 120, 40);
      const records = await press(name, 'Enter', `${deadLetters}: the oldest 3 records · 0 picked`);
      expect(records).toContain('[4 DLQ]');
      expect(records).toContain('error com.acme.PoisonPillError: cannot decode poison-0');
      await press(name, '3', `X-ray of group ${liveGroup}`);
      await press(name, 'Escape', /GROUP\s+STATE/);
      await press(name, 'q', 'EXITED 0');
    } finally {
      await consumer.disconnect();
    }
  });

  it('x-rays a live reference service: its member, its retry stages and its DLQ at the depth `dlq list` counts', async () => {
    const env = testEnv();
    expect((await runCli(['topology', 'apply', '--execute'], env)).code).toBe(0);
    expect((await runCli(['schema', 'register', '--dir', 'schemas/checkout'], env)).code).toBe(0);
    // A payment service under a group of its own, started at the topics' ends (the stack is shared).
    const service = uniqueName('xray-payment');
    const stages = [
      [service, 'checkout.orders'],
      [`${service}.retry.1`, 'checkout.payment.retry.5s'],
      [`${service}.retry.2`, 'checkout.payment.retry.30s'],
    ];
    for (const [g, t] of stages) expect((await runCli(['offsets', 'reset', '-g', g!, '-t', t!, '--to-latest', '--execute'], env)).code).toBe(0);
    const seed = String(1 + Math.floor(Math.random() * 1_000_000));
    const produced = await runCli(['produce', 'checkout', '--count', '60', '--poison', '0.1', '--rate', 'max', '--seed', seed, '--json'], env);
    expect(produced.code, produced.stderr).toBe(0);
    const consumer = spawnCli(['consume', '--service', 'payment', '--group', service], env);
    try {
      // Caught up: the service has read to the end, so its dead letters are all written.
      const caughtUp = async () => {
        const lag = await runCli(['lag', '--group', service, '--json'], env);
        const g = lag.code === 0 ? (JSON.parse(lag.stdout) as { groups: Array<{ members: number; totalLag: number; partitions: unknown[] }> }).groups[0] : undefined;
        return g !== undefined && g.members === 1 && g.partitions.length > 0 && g.totalLag === 0;
      };
      expect(await waitFor(caughtUp, 90_000, 1_000), consumer.output()).toBe(true);
      const listed = JSON.parse((await runCli(['dlq', 'list', '--json'], env)).stdout) as { topics: Array<{ topic: string; depth: number | null; offsets: number }> };
      const paymentDlq = listed.topics.find((t) => t.topic === 'checkout.payment.dlq')!;
      expect(paymentDlq.depth).toBeGreaterThan(0);

      const name = 'xray-svc';
      startDashboard(name, 160, 45);
      await waitForScreen(name, /refreshed \d\d:\d\d:\d\d · every 1s/);
      await press(name, '3', '[3 Groups]');
      await filterTo(name, `^${service}\\s`, new RegExp(`${escaped(service)}\\s+Stable\\s+1\\s`));
      const xray = await press(name, 'x', /› DLQ\s+checkout\.payment\.dlq\s/);
      expect(xray).toContain(`X-ray of group ${service} · Stable, 1 member`);
      // The member: the service's client id (its group) and its assignment of checkout.orders.
      expect(xray).toMatch(new RegExp(`${escaped(service)}\\s+/\\S+\\s+checkout\\.orders\\[`));
      expect(xray).toMatch(/RETRY\s+checkout\.payment\.retry\.5s/);
      expect(xray).toMatch(/RETRY\s+checkout\.payment\.retry\.30s/);
      const depth = paymentDlq.depth === null ? `≤${formatCount(paymentDlq.offsets)}` : formatCount(paymentDlq.depth);
      expect(xray).toMatch(new RegExp(`› DLQ\\s+checkout\\.payment\\.dlq\\s+${escaped(depth)}\\s`));
      await press(name, 'q', 'EXITED 0');
    } finally {
      consumer.child.kill('SIGTERM');
      await consumer.exited;
    }
  });

  it('fits 80x24 in every view', async () => {
    const name = 'narrow';
    startDashboard(name, 80, 24);
    await waitForScreen(name, /refreshed \d\d:\d\d:\d\d/);
    const views: Array<[string, RegExp | string]> = [
      ['2', /TOPIC\s+PARTS/],
      ['3', /GROUP\s+STATE/],
      ['4', /DLQ TOPIC\s+DEPTH/],
      ['5', 'Reset offsets: group ?'],
      ['6', /SUBJECT\s|No subjects/],
      ['7', 'No services attached.'],
      ['?', 'filter the list by a regex'],
      // The help is longer than 24 lines: it scrolls.
      ['PageDown', /── Help · lines 19-36 of \d+ /],
      ['PageDown', /:ctx NAME\s+switch to context NAME/],
      ['Escape', 'No services attached.'],
      ['1', /brokers? · controller/],
    ];
    for (const [key, shows] of views) expectFits(await press(name, key, shows), 80, 24);
    await press(name, '3', '[3 Groups]');
    // The redrive above added records (and transaction markers) to the topic: the lag is no longer 18.
    await filterTo(name, group, new RegExp(`${escaped(group)}\\s+Empty\\s+0\\s+\\d+\\s`));
    // 80 columns leave out COMMITTED and END; the lag and its history stay.
    expectFits(await press(name, 'Enter', new RegExp(`${escaped(topic)}\\s+0\\s+\\d+\\s+[▁▂▃▄▅▆▇█]+`)), 80, 24);
    await press(name, '4', '[4 DLQ]');
    await filterTo(name, dlq, dlqRow);
    expectFits(await press(name, 'Enter', 'the oldest 2 records'), 80, 24);
    await press(name, '2', '[2 Topics]');
    await filterTo(name, topic, new RegExp(`${escaped(topic)}\\s+3\\s`));
    await press(name, 'Enter', `Topic ${topic}: 3 partitions`);
    expectFits(await press(name, 'Enter', /order-2-9\s+payload 9/), 80, 24);
    await press(name, 'q', 'EXITED 0');
  });
});
