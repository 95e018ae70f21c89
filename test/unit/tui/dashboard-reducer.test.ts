import { describe, expect, it } from 'vitest';
import { RecentValues, pushBounded, pushSpaced } from '../../../src/tui/state/history-ring.js';
import type { DashboardState } from '../../../src/tui/state/dashboard-state.js';
import { helpScrollMax } from '../../../src/tui/components/help.js';
import { filterMatch } from '../../../src/tui/state/filter-match.js';
import { activeList, cursorOf, selectedItem, visibleItems } from '../../../src/tui/state/lists.js';
import { LAG_HISTORY } from '../../../src/tui/state/overview-state.js';
import { LONG_TOPIC, T0, browseResult, key, keys, latestRecords, loaded, overview, redriveSummary, resetPlan, run, state, topicRecord, typed } from './fixtures.js';
import type { EditResult } from '../../../src/dlq/dlq-edit-run.js';
import { editSets } from '../../../src/tui/state/dlq-edit-flow.js';

describe('views', () => {
  it('switch with the number keys and cycle with Tab / Shift-Tab', () => {
    let s = run(state(), key('3'));
    expect(s.view).toBe('groups');
    s = run(s, key('7'), keys.tab);
    expect(s.view).toBe('cluster');
    s = run(s, keys.shiftTab, keys.shiftTab);
    expect(s.view).toBe('schemas');
    expect(run(s, key('9')).view).toBe('schemas');
  });

  it('q quits, ? opens the help and any key closes it', () => {
    expect(run(state(), key('q')).quit).toBe(true);
    const help = run(state(), key('?'));
    expect(help.help).toEqual({ scroll: 0 });
    const closed = run(help, key('3'));
    expect(closed).toMatchObject({ help: null, view: 'cluster' });
    expect(run(help, keys.ctrlC).quit).toBe(true);
  });

  it('↑↓ PgUp PgDn scroll the help, clamped to its length; any other key closes it', () => {
    const help = run(state(80, 24), key('?'));
    const max = helpScrollMax(help.size);
    expect(max).toBeGreaterThan(0);
    expect(run(help, keys.up)).toBe(help);
    expect(run(help, keys.down).help).toEqual({ scroll: 1 });
    const end = run(help, key('', { pageDown: true }), key('', { pageDown: true }), key('', { pageDown: true }));
    expect(end.help).toEqual({ scroll: max });
    expect(run(end, key('', { pageUp: true })).help).toEqual({ scroll: Math.max(0, max - 18) });
    expect(run(end, key('j'))).toMatchObject({ help: null, view: 'cluster' });
    // Tall enough for all of it: nothing to scroll.
    expect(helpScrollMax({ columns: 200, rows: 60 })).toBe(0);
  });

  it('takes Esc glued to the next key (read as Alt+key) as Esc, then the key', () => {
    const s = run(state(), key('?'), key('3', { meta: true }));
    expect(s).toMatchObject({ help: null, view: 'groups' });
  });

  it('takes keys read together as one string one at a time', () => {
    const s = run(loaded(), key('3/pay\r\r'));
    expect(s).toMatchObject({ view: 'groups', filterEditing: false, openGroup: 'payment-service' });
  });

  it('returns the same state for keys that change nothing, so nothing re-renders', () => {
    const s = loaded();
    expect(run(s, key('x'))).toBe(s);
    expect(run(s, key('1'))).toBe(s);
    expect(run(s, { type: 'resize', size: { columns: 120, rows: 40 } })).toBe(s);
  });
});

describe('selection and drill-in', () => {
  it('moves with arrows and j/k, clamped to the list', () => {
    let s = run(loaded(), key('2'), keys.down, key('j'), key('j'), key('j'), key('j'));
    expect(cursorOf(s, 'topics')).toBe(3);
    s = run(s, keys.up, key('k'), key('k'), key('k'));
    expect(cursorOf(s, 'topics')).toBe(0);
    expect(cursorOf(run(s, key('G')), 'topics')).toBe(3);
  });

  it('clamps the cursor when a refresh shortens the list', () => {
    let s = run(loaded(), key('3'), key('G'));
    expect(selectedItem(s, 'groups')?.group).toBe('payment-service');
    const fewer = overview(T0 + 4_000);
    fewer.groups = fewer.groups.slice(0, 1);
    s = run(s, { type: 'overview', snapshot: fewer });
    expect(cursorOf(s, 'groups')).toBe(0);
  });

  it('Enter opens a group, Esc goes back', () => {
    let s = run(loaded(), key('3'));
    expect(visibleItems(s, 'groups').map((g) => g.group)).toEqual(['audit', 'inventory-service', 'payment-service']);
    s = run(s, keys.down, keys.down, keys.enter);
    expect(s.openGroup).toBe('payment-service');
    expect(visibleItems(s, 'group-partitions')).toHaveLength(3);
    s = run(s, keys.escape);
    expect(s.openGroup).toBeNull();
  });
});

describe('filter', () => {
  it('"/" edits the filter of the current list, Enter keeps it, Esc clears it', () => {
    let s = run(loaded(), key('3'), key('/'), ...typed('pay'));
    expect(s.filterEditing).toBe(true);
    expect(visibleItems(s, 'groups').map((g) => g.group)).toEqual(['payment-service']);
    s = run(s, keys.backspace, keys.backspace, ...typed('udi'));
    expect(s.filters.groups).toBe('pudi');
    s = run(s, keys.backspace, keys.backspace, keys.backspace, key('a'), keys.enter);
    expect(s).toMatchObject({ filterEditing: false, filters: { groups: 'pa' } });
    // Typing while the filter is not edited switches views again; Esc clears the kept filter.
    expect(visibleItems(s, 'groups').map((g) => g.group)).toEqual(['payment-service']);
    s = run(s, keys.escape);
    expect(visibleItems(s, 'groups')).toHaveLength(3);
  });

  it('keeps one filter per list and resets the cursor when it changes', () => {
    let s = run(loaded(), key('2'), key('G'), key('/'), ...typed('checkout'), keys.enter);
    expect(cursorOf(s, 'topics')).toBe(0);
    expect(visibleItems(s, 'topics').map((t) => t.name)).toEqual(['checkout.orders', 'checkout.payments']);
    s = run(s, key('3'));
    expect(visibleItems(s, 'groups')).toHaveLength(3);
  });

  const groupsMatching = (filter: string) => visibleItems(run(loaded(), key('3'), key('/'), ...typed(filter), keys.enter), 'groups').map((g) => g.group);

  it('takes the text as a case-insensitive regex', () => {
    expect(groupsMatching('^(PAY|aud)')).toEqual(['audit', 'payment-service']);
    expect(groupsMatching('-service\\b')).toEqual(['inventory-service', 'payment-service']);
    expect(groupsMatching('^in.*ice')).toEqual(['inventory-service']);
  });

  it('a leading ! keeps the rows that do not match; a lone ! keeps them all', () => {
    expect(groupsMatching('!-service')).toEqual(['audit']);
    expect(groupsMatching('!^(pay|aud)')).toEqual(['inventory-service']);
    expect(groupsMatching('!')).toHaveLength(3);
    const s = run(loaded(), key('3'), key('/'), ...typed('!pay'), keys.enter);
    expect(s.filters.groups).toBe('!pay');
  });

  it('matches text that is no regex as a substring and says so', () => {
    const s = run(loaded(), key('2'), key('/'), ...typed('orders('));
    expect(filterMatch('orders(')?.notRegex).toBe('Unterminated group');
    expect(visibleItems(s, 'topics')).toEqual([]);
    expect(visibleItems(run(loaded(), key('2'), key('/'), ...typed('[checkout')), 'topics')).toEqual([]);
    expect(visibleItems(run(loaded(), key('2'), key('/'), ...typed('*')), 'topics')).toEqual([]);
    // Inverted too: no topic has "*" in its name.
    expect(visibleItems(run(loaded(), key('2'), key('/'), ...typed('!*')), 'topics')).toHaveLength(4);
    expect(filterMatch('check.ut')?.notRegex).toBeNull();
  });
});

describe('refresh results', () => {
  it('computes topic rates, consumption and lag once per refresh', () => {
    const s = loaded();
    const orders = s.overview.topics.find((t) => t.name === 'checkout.orders')!;
    // 3 partitions grew by 100 in 2 s: 150/s in; two groups each consumed 3 x 100 in 2 s: 300/s out.
    expect(orders).toMatchObject({ partitions: 3, replicationFactor: 2, offsets: 3_300, inRate: 150, outRate: 300, underReplicated: 1, consumerGroups: 2 });
    expect(s.overview.cluster).toMatchObject({ topics: 3, internalTopics: 1, partitions: 10, offline: 0 });
    expect(s.overview.cluster!.underReplicated).toEqual([{ topic: 'checkout.orders', partition: 1, leader: 1, replicas: [1, 2], isr: [1] }]);
    const payment = s.overview.groups.find((g) => g.group === 'payment-service')!;
    expect(payment).toMatchObject({ totalLag: 1_800, maxLagMs: 42_000, rate: 150 });
  });

  it('tells a group re-committing one offset (STALL) from a silent one (STOP) by the commits the snapshot carries', () => {
    let s = state();
    for (const t of [0, 10_000, 21_000]) {
      const snap = overview(T0 + t);
      // payment-service commits offset 400 again on every partition; inventory-service commits nothing.
      const recommits = new Map([0, 1, 2].map((p) => [`checkout.orders:${p}`, [{ at: T0 + t, offset: 400n }]]));
      s = run(s, { type: 'overview', snapshot: { ...snap, commits: new Map([['payment-service', recommits], ['inventory-service', new Map()]]) } });
    }
    const status = Object.fromEntries(s.overview.groups.map((g) => [g.group, g.status]));
    expect(status).toMatchObject({ 'payment-service': 'STALL', 'inventory-service': 'STOP' });
  });

  it('shows ERROR for a group committed below the log start the refresh listed (records lost to retention)', () => {
    const snap = overview(T0);
    const trimmed = { ...snap, topics: snap.topics.map((t) => (t.name === 'checkout.orders' ? { ...t, partitions: t.partitions.map((p) => ({ ...p, start: 500 })) } : t)) };
    const s = run(state(), { type: 'overview', snapshot: trimmed });
    const payment = s.overview.groups.find((g) => g.group === 'payment-service')!;
    expect(payment.status).toBe('ERROR');
    expect(payment.reason).toContain('100 records deleted by retention');
  });

  it('keeps a bounded lag history per partition (a ring buffer for the sparkline)', () => {
    let s = state();
    for (let i = 0; i < LAG_HISTORY + 5; i++) s = run(s, { type: 'overview', snapshot: overview(T0 + i * 1_000, { committed: BigInt(i), end: 1_000n }) });
    const history = s.overview.groups.find((g) => g.group === 'payment-service')!.partitions.find((p) => p.topic === 'checkout.orders' && p.partition === 0)!.history.values();
    expect(history).toHaveLength(LAG_HISTORY);
    expect(history.at(-1)).toBe(1_000 - (LAG_HISTORY + 4));
    expect(history[0]).toBe(1_000 - 5);
    // Group samples for rates and verdicts: the lag window's (30 s), spaced 2.5 s apart but for the newest.
    const kept = s.overview.samples['payment-service']!.map((h) => (h.takenAt - T0) / 1000);
    expect(kept.at(-1)).toBe(LAG_HISTORY + 4);
    expect(kept[0]).toBeGreaterThanOrEqual(LAG_HISTORY + 4 - 30);
    expect(kept.length).toBeLessThanOrEqual(14);
    for (let i = 1; i < kept.length - 1; i++) expect(kept[i]! - kept[i - 1]!).toBeGreaterThanOrEqual(2.5);
  });

  it('RecentValues keeps the newest values; an older window pushed again is left as it was', () => {
    let w = RecentValues.empty(3);
    const seen: number[][] = [];
    for (let i = 1; i <= 10; i++) {
      w = w.push(i);
      seen.push(w.values());
    }
    expect(w.values()).toEqual([8, 9, 10]);
    expect(seen.slice(0, 4)).toEqual([[1], [1, 2], [1, 2, 3], [2, 3, 4]]);
    const older = w;
    const a = older.push(11);
    const b = older.push(12);
    expect([older.values(), a.values(), b.values()]).toEqual([
      [8, 9, 10],
      [9, 10, 11],
      [9, 10, 12],
    ]);
    expect(a.push(13).values()).toEqual([10, 11, 13]);
  });

  it('pushSpaced keeps values at least the gap apart, always the newest, and never mutates its input', () => {
    const a = [0, 3, 4];
    expect(pushSpaced(a, 5, 2.5, (x) => x)).toEqual([0, 3, 5]);
    expect(pushSpaced([0, 3], 4, 2.5, (x) => x)).toEqual([0, 3, 4]);
    expect(a).toEqual([0, 3, 4]);
  });

  it('pushBounded keeps the newest values and never mutates its input', () => {
    const a = [1, 2, 3];
    expect(pushBounded(a, 4, 3)).toEqual([2, 3, 4]);
    expect(pushBounded(a, 4, 10)).toEqual([1, 2, 3, 4]);
    expect(a).toEqual([1, 2, 3]);
  });

  it('a failed refresh keeps the last data and records the error; the next success clears it', () => {
    let s = run(loaded(), { type: 'overview-failed', at: T0 + 5_000, message: 'cannot reach Kafka broker at 127.0.0.1:9092: ECONNREFUSED' });
    expect(s.overview.error).toEqual({ at: T0 + 5_000, message: 'cannot reach Kafka broker at 127.0.0.1:9092: ECONNREFUSED' });
    expect(s.overview.topics).toHaveLength(4);
    s = run(s, { type: 'overview', snapshot: overview(T0 + 6_000) });
    expect(s.overview.error).toBeNull();
  });

  it('derives service rates between two scrapes', () => {
    const row = { service: 'payment', ratePerSec: null, processed: 100, duplicates: 0, retried: 0, forwarded: 0, deadLettered: 0, parked: 0, batchLatencyMsAvg: 5, lag: 0 };
    let s = run(state(), { type: 'services', at: T0, reading: { source: 'scrape', url: 'http://x/metrics', rows: [row] } });
    expect(s.services.rows[0]!.ratePerSec).toBeNull();
    s = run(s, { type: 'services', at: T0 + 2_000, reading: { source: 'scrape', url: 'http://x/metrics', rows: [{ ...row, processed: 500 }] } });
    expect(s.services.rows[0]!.ratePerSec).toBe(200);
  });
});

describe('DLQ browse and redrive', () => {
  const browsing = () => {
    const s = run(loaded(), key('4'), keys.enter);
    expect(s.dlq.browse).toMatchObject({ topic: 'checkout.payment.dlq', status: 'loading' });
    return run(s, { type: 'browsed', requestId: s.dlq.browse!.requestId, result: browseResult() });
  };

  it('space picks records, a picks the whole DLQ, r asks for a plan of the pick', () => {
    let s = run(browsing(), key(' '), keys.down, keys.down, key(' '));
    expect(s.dlq.browse!.selected).toEqual(['0/0', '0/2']);
    s = run(s, key(' '));
    expect(s.dlq.browse!.selected).toEqual(['0/0']);
    s = run(s, key('r'));
    expect(s.dlq.redrive).toMatchObject({ phase: 'planning', selection: { topic: 'checkout.payment.dlq', all: false, keys: ['0/0'] } });
    const all = run(browsing(), key('a'), key('r'));
    expect(all.dlq.redrive!.selection).toEqual({ topic: 'checkout.payment.dlq', all: true, keys: [] });
  });

  it('r with nothing picked explains what to do', () => {
    const s = run(browsing(), key('r'));
    expect(s.dlq.redrive).toBeNull();
    expect(s.notice).toMatch(/space/);
  });

  it('confirms with y after the plan, shows progress and the result', () => {
    let s = run(browsing(), key('a'), key('r'));
    const planId = s.dlq.redrive!.requestId;
    // Keys while planning do not start anything; views do not switch under the dialog.
    s = run(s, key('y'), key('3'));
    expect(s.dlq.redrive!.phase).toBe('planning');
    expect(s.view).toBe('dlq');
    s = run(s, { type: 'redrive-planned', requestId: planId, plan: redriveSummary() });
    expect(s.dlq.redrive!.phase).toBe('confirm');
    s = run(s, key('y'));
    const execId = s.dlq.redrive!.requestId;
    expect(s.dlq.redrive!.phase).toBe('executing');
    expect(execId).not.toBe(planId);
    s = run(s, { type: 'redrive-progress', requestId: execId, progress: { scanned: 1, total: 3, redriven: 1, skipped: 0 } });
    expect(s.dlq.redrive!.progress).toEqual({ scanned: 1, total: 3, redriven: 1, skipped: 0 });
    s = run(s, { type: 'redrive-done', requestId: execId, result: redriveSummary({ executed: true, redriven: 2 }) });
    expect(s.dlq.redrive).toMatchObject({ phase: 'done', result: { redriven: 2 } });
    expect(s.dlq.browse!.all).toBe(false);
    s = run(s, keys.enter);
    expect(s.dlq.redrive).toBeNull();
  });

  it('n cancels at the confirmation, and a late answer to a cancelled request is ignored', () => {
    let s = run(browsing(), key('a'), key('r'));
    const planId = s.dlq.redrive!.requestId;
    s = run(s, keys.escape);
    expect(s.dlq.redrive).toBeNull();
    expect(run(s, { type: 'redrive-planned', requestId: planId, plan: redriveSummary() })).toBe(s);
    s = run(s, key('r'), { type: 'redrive-planned', requestId: planId + 1, plan: redriveSummary() }, key('n'));
    expect(s.dlq.redrive).toBeNull();
  });

  it('Enter shows a record over the whole view; Esc steps back out', () => {
    let s = run(browsing(), keys.enter);
    expect(s.dlq.browse!.expanded).toBe(true);
    s = run(s, keys.escape);
    expect(s.dlq.browse).toMatchObject({ expanded: false });
    s = run(s, keys.escape);
    expect(s.dlq.browse).toBeNull();
  });
});

describe('DLQ edit (e)', () => {
  const browsing = () => {
    const s = run(loaded(), key('4'), keys.enter);
    return run(s, { type: 'browsed', requestId: s.dlq.browse!.requestId, result: browseResult() });
  };
  const result = (over: Partial<EditResult> = {}): EditResult => ({ editId: null, dlq: 'checkout.payment.dlq', partition: 0, offset: '1', target: 'checkout.orders', subject: 'checkout.orders-value', schemaId: 7, executed: false, changes: [{ path: 'total_minor', from: -5, to: 500 }], ...over });

  it('edits the record under the cursor: typed sets, the plan, y sends, any key closes', () => {
    let s = run(browsing(), keys.down, key('e'));
    expect(s.dlq.edit).toMatchObject({ phase: 'input', record: { topic: 'checkout.payment.dlq', partition: 0, offset: '1' }, text: '' });
    // Typing goes to the text, not to the view keys (q does not quit, 3 does not switch).
    s = run(s, ...typed('total_minor=5003q'), keys.backspace, keys.backspace);
    expect(s).toMatchObject({ quit: false, view: 'dlq' });
    expect(s.dlq.edit!.text).toBe('total_minor=500');
    s = run(s, keys.enter);
    const planId = s.dlq.edit!.requestId;
    expect(s.dlq.edit!.phase).toBe('planning');
    expect(editSets('a=1; b.c="x" ;')).toEqual(['a=1', 'b.c="x"']);
    s = run(s, { type: 'edit-answered', requestId: planId, answer: { result: result() } });
    expect(s.dlq.edit!.phase).toBe('confirm');
    s = run(s, key('y'));
    const sendId = s.dlq.edit!.requestId;
    expect(s.dlq.edit!.phase).toBe('sending');
    // An answer to the outdated plan request changes nothing.
    expect(run(s, { type: 'edit-answered', requestId: planId, answer: { error: 'late' } }).dlq.edit!.phase).toBe('sending');
    s = run(s, { type: 'edit-answered', requestId: sendId, answer: { result: result({ executed: true, editId: 'abc' }) } });
    expect(s.dlq.edit).toMatchObject({ phase: 'done', result: { editId: 'abc' } });
    expect(run(s, key('x')).dlq.edit).toBeNull();
  });

  it('a refused edit goes back to the text with the reason; n on the plan too; Esc cancels', () => {
    let s = run(browsing(), key('e'), ...typed('nope=1'), keys.enter);
    s = run(s, { type: 'edit-answered', requestId: s.dlq.edit!.requestId, answer: { error: 'unknown field nope: not in schema OrderCreated' } });
    expect(s.dlq.edit).toMatchObject({ phase: 'input', text: 'nope=1', error: expect.stringContaining('unknown field nope') });
    s = run(s, keys.enter);
    s = run(s, { type: 'edit-answered', requestId: s.dlq.edit!.requestId, answer: { result: result() } }, key('n'));
    expect(s.dlq.edit!.phase).toBe('input');
    expect(run(s, keys.escape).dlq.edit).toBeNull();
  });
});

describe('offset reset wizard', () => {
  const toPlanning = (modeKeys: number, value?: string) => {
    let s = run(loaded(), key('5'), key('/'), ...typed('inventory'), keys.enter, keys.enter);
    expect(s.wizard).toMatchObject({ step: 'scope', group: 'inventory-service' });
    s = run(s, keys.down, keys.enter);
    expect(s.wizard).toMatchObject({ step: 'mode', topic: 'checkout.orders' });
    for (let i = 0; i < modeKeys; i++) s = run(s, keys.down);
    s = run(s, keys.enter);
    if (value !== undefined) {
      expect(s.wizard.step).toBe('value');
      s = run(s, ...typed(value), keys.enter);
    }
    return s;
  };

  it('walks group → scope → mode → plan, with the parsed mode', () => {
    const s = toPlanning(0);
    expect(s.wizard).toMatchObject({ step: 'planning', mode: { kind: 'to-earliest' } });
    expect(toPlanning(3, '-250').wizard.mode).toEqual({ kind: 'shift-by', shift: -250n });
    expect(toPlanning(5, 'PT30M').wizard.mode).toEqual({ kind: 'by-duration', durationMs: 1_800_000 });
    expect(toPlanning(4, '2024-05-01T12:00:00Z').wizard.mode).toEqual({ kind: 'to-datetime', timestampMs: Date.UTC(2024, 4, 1, 12) });
  });

  it('refuses a value that does not parse and keeps asking', () => {
    const s = toPlanning(2, 'twelve');
    expect(s.wizard.step).toBe('value');
    expect(s.wizard.inputError).toBe('the offset must be a whole number, got "twelve"');
    // Digits typed at the value step are text, not view switches.
    const typing = run(s, keys.backspace, ...typed('12'));
    expect(typing.view).toBe('offsets');
    expect(typing.wizard.typed).toBe('twelv12');
  });

  it("refuses offsets and shifts beyond Kafka's int64, as `offsets reset` does", () => {
    const offset = toPlanning(2, '9223372036854775808');
    expect(offset.wizard).toMatchObject({ step: 'value', inputError: "the offset 9223372036854775808 does not fit Kafka's int64 offsets" });
    expect(toPlanning(3, '-9223372036854775809').wizard).toMatchObject({ step: 'value', inputError: expect.stringMatching(/the shift .* int64/) });
    expect(toPlanning(2, '9223372036854775807').wizard.mode).toEqual({ kind: 'to-offset', offset: 2n ** 63n - 1n });
  });

  it('applies only after the group name is typed exactly', () => {
    let s = toPlanning(0);
    s = run(s, { type: 'reset-planned', requestId: s.wizard.requestId, plan: resetPlan('inventory-service') }, keys.enter);
    expect(s.wizard.step).toBe('confirm');
    s = run(s, ...typed('inventory'), keys.enter);
    expect(s.wizard.step).toBe('confirm');
    expect(s.wizard.inputError).toMatch(/type the group name exactly/);
    // q is text here, not quit.
    s = run(s, key('q'), keys.backspace, ...typed('-service'), keys.enter);
    expect(s.quit).toBe(false);
    expect(s.wizard.step).toBe('executing');
    s = run(s, { type: 'reset-done', requestId: s.wizard.requestId });
    expect(s.wizard.step).toBe('done');
    expect(run(s, keys.enter).wizard.step).toBe('group');
  });

  it("stops at the planner's refusal naming the active members: nothing to confirm", () => {
    let s = toPlanning(0);
    const refusal = 'group inventory-service has 1 active member: member m-1 (client id inv, host /10.0.0.7); stop them before resetting its offsets';
    s = run(s, { type: 'reset-planned', requestId: s.wizard.requestId, plan: resetPlan('inventory-service', { state: 'Stable', refusal }) }, keys.enter);
    expect(s.wizard.step).toBe('preview');
    expect(s.wizard.plan!.refusal).toBe(refusal);
  });

  it('shows the executor’s error and Esc walks back through the steps', () => {
    let s = toPlanning(0);
    s = run(s, { type: 'reset-failed', requestId: s.wizard.requestId, message: 'no such topic: gone' });
    expect(s.wizard).toMatchObject({ step: 'preview', error: 'no such topic: gone' });
    s = run(s, keys.escape);
    expect(s.wizard.step).toBe('mode');
    s = run(s, keys.escape, keys.escape);
    expect(s.wizard.step).toBe('group');
  });
});

describe("a topic's latest records", () => {
  /** Topics → checkout.orders → its partitions → Enter: the records, read once. */
  const opened = () => {
    const s = run(loaded(), key('2'), key('/'), ...typed('orders'), keys.enter, keys.enter, keys.enter);
    expect(s.records).toMatchObject({ topic: 'checkout.orders', reading: true, rows: null, live: false, detail: null });
    return s;
  };
  const answered = (s = opened(), rows = latestRecords()) => run(s, { type: 'records', requestId: s.records!.requestId, at: T0, rows });
  const keysOf = (s: DashboardState) => visibleItems(s, 'topic-records').map((r) => `${r.partition}/${r.offset}`);

  it('opens from the partitions of the open topic, shows the rows, and a failure as a message', () => {
    const s = answered();
    expect(s.records).toMatchObject({ reading: false, error: null, at: T0 });
    expect(keysOf(s)).toHaveLength(9);
    expect(activeList(s)).toBe('topic-records');
    const failed = run(opened(), { type: 'records-failed', requestId: opened().records!.requestId, message: 'cannot reach Kafka' });
    expect(failed.records).toMatchObject({ reading: false, rows: null, error: 'cannot reach Kafka' });
  });

  it('ignores an answer to an older read', () => {
    const s = opened();
    const stale = run(s, { type: 'records', requestId: s.records!.requestId - 1, at: T0, rows: latestRecords() });
    expect(stale).toBe(s);
  });

  it('"/" filters by key, value JSON and header values, case-insensitively', () => {
    let s = run(answered(), key('/'), ...typed('ORDER-1-99'), keys.enter);
    expect(keysOf(s)).toEqual(['1/99']);
    s = run(s, keys.backspace);
    // Not editing any more: backspace is no key of the view.
    expect(keysOf(s)).toEqual(['1/99']);
    s = run(answered(), key('/'), ...typed('buyer97@'), keys.enter);
    expect(keysOf(s)).toEqual(['0/97']);
    s = run(answered(), key('/'), ...typed('trace-95-'), keys.enter);
    expect(keysOf(s)).toEqual(['2/95']);
    // A regex, and its inverse.
    expect(keysOf(run(answered(), key('/'), ...typed('ORDER-[02]-9[5-8]\\b'), keys.enter))).toEqual(['2/98', '0/97', '2/95']);
    expect(keysOf(run(answered(), key('/'), ...typed('!order-\\d-9\\d'), keys.enter))).toEqual(['0/100']);
    // Esc while typing clears the filter.
    s = run(answered(), key('/'), ...typed('nothing like it'));
    expect(keysOf(s)).toEqual([]);
    expect(keysOf(run(s, keys.escape))).toHaveLength(9);
  });

  it('l goes LIVE (reading at once), refresh ticks read again and keep the selected record', () => {
    let s = run(answered(), keys.down, keys.down);
    expect(selectedItem(s, 'topic-records')).toMatchObject({ partition: 2, offset: 98 });
    // Paused: a tick reads nothing.
    expect(run(s, { type: 'refresh-tick' })).toBe(s);
    s = run(s, key('l'));
    expect(s.records).toMatchObject({ live: true, reading: true });
    const first = s.records!.requestId;
    // A read in flight: the tick does not start another.
    expect(run(s, { type: 'refresh-tick' })).toBe(s);
    // Two newer records arrive on top: the cursor follows the record it was on.
    const newer = [topicRecord(0, 102), topicRecord(1, 101), ...latestRecords()];
    s = run(s, { type: 'records', requestId: first, at: T0 + 2_000, rows: newer });
    expect(cursorOf(s, 'topic-records')).toBe(4);
    expect(selectedItem(s, 'topic-records')).toMatchObject({ partition: 2, offset: 98 });
    s = run(s, { type: 'refresh-tick' });
    expect(s.records!.requestId).toBeGreaterThan(first);
    // Away from the Topics view nothing is read.
    const away = run(s, { type: 'records', requestId: s.records!.requestId, at: T0 + 4_000, rows: newer }, key('3'));
    expect(run(away, { type: 'refresh-tick' })).toBe(away);
    // A failed live read keeps the rows and says why; l pauses again.
    s = run(s, { type: 'records-failed', requestId: s.records!.requestId, message: 'leader not available' }, key('l'));
    expect(s.records).toMatchObject({ live: false, error: 'leader not available' });
    expect(s.records!.rows).toHaveLength(11);
    expect(run(s, { type: 'refresh-tick' })).toBe(s);
  });

  it('a record gone from the latest read leaves the cursor at its place in the list', () => {
    let s = run(answered(), keys.down, key('l'));
    s = run(s, { type: 'records', requestId: s.records!.requestId, at: T0, rows: latestRecords().slice(2) });
    expect(cursorOf(s, 'topic-records')).toBe(1);
  });

  it('Enter shows the record whole and scrolls it; Esc steps back to the list, the partitions, the topics', () => {
    // A small terminal: the whole record is longer than the view.
    let s = run(answered(run(state(80, 12), { type: 'overview', snapshot: overview(T0) }, key('2'), key('/'), ...typed('orders'), keys.enter, keys.enter, keys.enter)), keys.down, keys.enter);
    expect(s.records!.detail).toMatchObject({ record: { partition: 1, offset: 99 }, scroll: 0 });
    expect(activeList(s)).toBeNull();
    // '/' and l belong to the list, not to the record.
    expect(run(s, key('/'))).toBe(s);
    s = run(s, keys.down, key('j'));
    expect(s.records!.detail!.scroll).toBe(2);
    s = run(s, key('G'));
    const last = s.records!.detail!.scroll;
    expect(last).toBeGreaterThan(2);
    expect(run(s, keys.down)).toBe(s);
    s = run(s, key('g'), keys.up);
    expect(s.records!.detail!.scroll).toBe(0);
    s = run(s, keys.escape);
    expect(s.records!.detail).toBeNull();
    expect(selectedItem(s, 'topic-records')).toMatchObject({ partition: 1, offset: 99 });
    s = run(s, keys.escape);
    expect(s.records).toBeNull();
    expect(s.openTopic).toBe('checkout.orders');
    s = run(s, keys.escape);
    expect(s.openTopic).toBeNull();
  });
});
