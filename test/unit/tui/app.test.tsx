import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_VIEW } from '../../../src/demo/run-demo.js';
import { DashboardApp } from '../../../src/tui/app.js';
import type { DashboardSource } from '../../../src/tui/data/dashboard-source.js';
import type { RedriveSelection } from '../../../src/tui/state/dlq-state.js';
import { T0, browseResult, dlqTopics, groupXray, latestRecords, overview, redriveSummary, resetPlan, serviceRows, subjects } from './fixtures.js';
import { eventually, expectCleanFrame, renderAt } from './render-at.js';

afterEach(() => cleanup());

const DOWN = '\u001b[B';
const ENTER = '\r';
const ESC = '\u001b';

/** A stand-in for the cluster: fixture answers, and a record of what the app asked it to do. */
function fakeSource(over: Partial<DashboardSource> = {}) {
  const calls: string[] = [];
  let tick = 0;
  const source: DashboardSource = {
    label: 'test · kafka-1.internal:9092',
    overview: async () => overview(T0 + 2_000 * tick++),
    dlqTopics: async () => dlqTopics(),
    groupXray: async (group) => {
      calls.push(`xray ${group}`);
      return groupXray(group);
    },
    browseDlq: async (topic) => browseResult(topic),
    planRedrive: async (sel: RedriveSelection) => {
      calls.push(`plan ${sel.topic} ${sel.all ? 'all' : sel.keys.join(',')}`);
      return redriveSummary();
    },
    executeRedrive: async (sel, onProgress) => {
      calls.push(`execute ${sel.topic} ${sel.all ? 'all' : sel.keys.join(',')}`);
      onProgress({ scanned: 3, total: 3, redriven: 2, skipped: 0 });
      return redriveSummary({ executed: true, redriven: 2 });
    },
    planReset: async (group, scope, mode) => {
      calls.push(`plan-reset ${group} ${scope.kind} ${mode.kind}`);
      return resetPlan(group);
    },
    executeReset: async (plan) => {
      calls.push(`reset ${plan.group}`);
    },
    latestRecords: async () => latestRecords(),
    subjects: async () => subjects(),
    subjectVersions: async () => [{ version: 3, id: 16, summary: 'record OrderCreated, 9 fields' }],
    services: async () => ({ source: 'live', rows: serviceRows() }),
    close: async () => undefined,
    ...over,
  };
  return { source, calls };
}

async function press(stdin: { write(s: string): void }, ...input: string[]) {
  for (const k of input) {
    stdin.write(k);
    // Let Ink's input parser flush a lone Escape before the next key.
    await new Promise((r) => setImmediate(r));
  }
}

describe('DashboardApp', () => {
  it('refreshes, switches views from the keyboard and drills into a group', async () => {
    const { source } = fakeSource();
    const { lastFrame, stdin } = renderAt(<DashboardApp source={source} refreshMs={60_000} color={false} />, 80, 24);
    await eventually(() => expect(lastFrame()).toContain('2 brokers · controller 2'));
    await press(stdin, '3');
    await eventually(() => expect(lastFrame()).toMatch(/payment-service\s+Stable/));
    await press(stdin, DOWN, DOWN, ENTER);
    await eventually(() => expect(lastFrame()).toContain('Group payment-service: Stable, 2 members'));
    expectCleanFrame(lastFrame(), 80, 24);
    await press(stdin, ESC, '?');
    await eventually(() => expect(lastFrame()).toContain('filter the list by a regex'));
  });

  it("x on a group shows its X-ray, read again each refresh; Enter on a DLQ opens its records", async () => {
    const { source, calls } = fakeSource({ browseDlq: async (topic) => browseResult(topic, 2) });
    const { lastFrame, stdin } = renderAt(<DashboardApp source={source} refreshMs={30} color={false} initialView="groups" />, 80, 24);
    await eventually(() => expect(lastFrame()).toMatch(/payment-service\s+Stable/));
    await press(stdin, DOWN, DOWN, 'x');
    await eventually(() => expect(lastFrame()).toMatch(/payment-1\s+\/10\.0\.4\.17/));
    expect(lastFrame()).toContain('X-ray of group payment-service · Stable, 2 members');
    expect(lastFrame()).toMatch(/› DLQ\s+checkout\.orders\.dlq\s+1\s/);
    expectCleanFrame(lastFrame(), 80, 24);
    await eventually(() => expect(calls.filter((c) => c === 'xray payment-service').length).toBeGreaterThan(1));
    await press(stdin, DOWN, ENTER);
    await eventually(() => expect(lastFrame()).toContain('checkout.payment.dlq: the oldest 2 records · 0 picked'));
    expect(lastFrame()).toContain('[4 DLQ]');
    await press(stdin, '3');
    await eventually(() => expect(lastFrame()).toContain('X-ray of group payment-service'));
    await press(stdin, ESC);
    await eventually(() => expect(lastFrame()).toMatch(/GROUP\s+STATE/));
  });

  it(':groups (Tab-completed) opens the Groups view; :q quits', async () => {
    let refreshes = 0;
    const { source } = fakeSource({ overview: async () => overview(T0 + 2_000 * refreshes++) });
    const { lastFrame, stdin } = renderAt(<DashboardApp source={source} refreshMs={20} color={false} />, 80, 24);
    await eventually(() => expect(lastFrame()).toContain('2 brokers · controller 2'));
    await press(stdin, ':', 'g', 'r');
    await eventually(() => expect(lastFrame()).toContain(':gr▏'));
    expect(lastFrame()).toContain('tab complete  ⏎ run  esc cancel  · groups');
    await press(stdin, '\t', ENTER);
    await eventually(() => expect(lastFrame()).toMatch(/payment-service\s+Stable/));
    expect(lastFrame()).toContain('[3 Groups]');
    expectCleanFrame(lastFrame(), 80, 24);
    await press(stdin, ...':q', ENTER);
    // Quit: the app unmounts and its refresh loop stops.
    await new Promise((r) => setTimeout(r, 50));
    const after = refreshes;
    await new Promise((r) => setTimeout(r, 100));
    expect(refreshes).toBe(after);
  });

  it(':ctx NAME reads from a source of that context, closes the old one, and can switch back', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const sourceFor = (name: string) =>
      fakeSource({
        label: `${name} · kafka-1.internal:9092`,
        close: async () => void closed.push(name),
        ...(name === 'other' ? { overview: async () => Promise.reject(new Error('cannot reach Kafka broker at 10.9.9.9:9092')) } : {}),
      }).source;
    const contexts = {
      names: ['main', 'other'],
      current: 'main',
      open: async (name: string) => {
        opened.push(name);
        return sourceFor(name);
      },
    };
    const { lastFrame, stdin } = renderAt(<DashboardApp source={sourceFor('main')} contexts={contexts} refreshMs={60_000} color={false} initialView="groups" />, 80, 24);
    await eventually(() => expect(lastFrame()).toMatch(/payment-service\s+Stable/));
    await press(stdin, ...':ctx nope', ENTER);
    await eventually(() => expect(lastFrame()).toContain('unknown context "nope" (known: main, other)'));
    await press(stdin, ...':ctx o', '\t');
    await eventually(() => expect(lastFrame()).toContain(':ctx other▏'));
    await press(stdin, ENTER);
    // The other cluster is unreachable: its failure shows as any refresh failure does.
    await eventually(() => expect(lastFrame()).toMatch(/✗ refresh failed at \d\d:\d\d:\d\d: cannot reach Kafka broker at 10\.9\.9\.9:9092/));
    expect(lastFrame()).toMatch(/^streamflow · other · kafka-1\.internal:9092 +not connected$/m);
    expect(lastFrame()).not.toContain('payment-service');
    expect(opened).toEqual(['other']);
    expect(closed).toEqual(['main']);
    await press(stdin, ...':ctx main', ENTER);
    await eventually(() => expect(lastFrame()).toMatch(/payment-service\s+Stable/));
    expect(lastFrame()).toMatch(/^streamflow · main · /m);
    expect(closed).toEqual(['main', 'other']);
  });

  it("opens on the demo's view, Groups, where its lag story happens", async () => {
    const { source } = fakeSource();
    const { lastFrame } = renderAt(<DashboardApp source={source} refreshMs={60_000} color={false} initialView={DEMO_VIEW} />, 80, 24);
    await eventually(() => expect(lastFrame()).toMatch(/payment-service\s+Stable/));
    expect(lastFrame()).toContain('[3 Groups]');
    expect(lastFrame()).not.toContain('2 brokers · controller 2');
  });

  it('keeps running and says so in the status line when a refresh fails', async () => {
    const { source } = fakeSource({ overview: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9092')) });
    const { lastFrame } = renderAt(<DashboardApp source={source} refreshMs={60_000} color={false} />, 120, 40);
    await eventually(() => expect(lastFrame()).toMatch(/✗ refresh failed at \d\d:\d\d:\d\d: connect ECONNREFUSED 127\.0\.0\.1:9092/));
    expect(lastFrame()).toContain('not connected');
  });

  it('redrives picked DLQ records through the source after y, and shows the result', async () => {
    const { source, calls } = fakeSource();
    const { lastFrame, stdin } = renderAt(<DashboardApp source={source} refreshMs={60_000} color={false} initialView="dlq" />, 120, 40);
    await eventually(() => expect(lastFrame()).toContain('checkout.payment.dlq'));
    await press(stdin, ENTER);
    await eventually(() => expect(lastFrame()).toContain('the oldest 3 records'));
    await press(stdin, ' ', DOWN, ' ', 'r');
    await eventually(() => expect(lastFrame()).toContain('Send them? y: redrive · n: cancel'));
    expect(calls).toEqual(['plan checkout.payment.dlq 0/0,0/1']);
    await press(stdin, 'y');
    await eventually(() => expect(lastFrame()).toContain('redrove 2 records (checkout.orders 2)'));
    expect(calls).toEqual(['plan checkout.payment.dlq 0/0,0/1', 'execute checkout.payment.dlq 0/0,0/1']);
  });

  it("reads a topic's latest records through the source, and again at every refresh while LIVE", async () => {
    const asked: string[] = [];
    const { source } = fakeSource({
      latestRecords: async (topic) => {
        asked.push(topic);
        return latestRecords();
      },
    });
    const { lastFrame, stdin } = renderAt(<DashboardApp source={source} refreshMs={50} color={false} initialView="topics" />, 120, 40);
    await eventually(() => expect(lastFrame()).toMatch(/checkout\.orders\s+3/));
    await press(stdin, DOWN, ENTER);
    await eventually(() => expect(lastFrame()).toContain('Topic checkout.orders: 3 partitions'));
    await press(stdin, ENTER);
    await eventually(() => expect(lastFrame()).toContain('PAUSED · checkout.orders · the latest 9 records'));
    await new Promise((r) => setTimeout(r, 200));
    expect(asked).toEqual(['checkout.orders']);
    await press(stdin, 'l');
    await eventually(() => expect(asked.length).toBeGreaterThanOrEqual(3));
    expect(lastFrame()).toContain('LIVE · checkout.orders');
    await press(stdin, ENTER);
    await eventually(() => expect(lastFrame()).toContain('"order_id": "order-0-100"'));
  });

  it('resets offsets only after the group name is typed', async () => {
    const { source, calls } = fakeSource();
    const { lastFrame, stdin } = renderAt(<DashboardApp source={source} refreshMs={60_000} color={false} initialView="offsets" />, 120, 40);
    await eventually(() => expect(lastFrame()).toMatch(/audit\s+Empty/));
    await press(stdin, ENTER, ENTER, ENTER);
    await eventually(() => expect(lastFrame()).toContain('Plan for audit (Empty): Enter to confirm'));
    await press(stdin, ENTER, ...'audi');
    await press(stdin, ENTER);
    await eventually(() => expect(lastFrame()).toContain('type the group name exactly (audit)'));
    expect(calls).toEqual(['plan-reset audit all-topics to-earliest']);
    await press(stdin, 't', ENTER);
    await eventually(() => expect(lastFrame()).toContain('Committed the new offsets of audit'));
    expect(calls).toEqual(['plan-reset audit all-topics to-earliest', 'reset audit']);
  });
});
