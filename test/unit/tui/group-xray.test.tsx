import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { Screen } from '../../../src/tui/components/screen.js';
import { queueTopicsOf, subjectsOf } from '../../../src/tui/data/group-xray.js';
import type { DashboardState } from '../../../src/tui/state/dashboard-state.js';
import { activeList, selectedItem } from '../../../src/tui/state/lists.js';
import { T0, groupXray, key, keys, loaded, run, typed } from './fixtures.js';
import { expectCleanFrame, renderAt } from './render-at.js';

afterEach(() => cleanup());

/** The Groups view, payment-service (the third group) selected, `x`, and the X-ray's answer. */
function xrayed(columns = 120, rows = 40, result = groupXray()): DashboardState {
  const s = run(loaded(columns, rows), key('3'), keys.down, keys.down, key('x'));
  return run(s, { type: 'xray', requestId: s.xray!.requestId, at: T0, result });
}

function frameOf(s: DashboardState): string {
  return renderAt(<Screen state={s} label="prod · kafka-1.internal:9092" refreshMs={2_000} color={false} />, s.size.columns, s.size.rows).lastFrame()!;
}

describe("a group's X-ray: state", () => {
  it('x on a selected group asks for its X-ray; the answer fills it; Esc goes back to the list', () => {
    const s = run(loaded(), key('3'), keys.down, keys.down, key('x'));
    expect(s.xray).toMatchObject({ group: 'payment-service', reading: true, result: null });
    expect(activeList(s)).toBe('xray-dlqs');
    const answered = run(s, { type: 'xray', requestId: s.xray!.requestId, at: T0, result: groupXray() });
    expect(answered.xray).toMatchObject({ reading: false, result: { members: [{ clientId: 'payment-1' }, { clientId: 'payment-2' }] } });
    const back = run(answered, keys.escape);
    expect(back.xray).toBeNull();
    expect(activeList(back)).toBe('groups');
  });

  it('x in a group opened with Enter X-rays that group; Esc goes back to its partitions', () => {
    const s = run(loaded(), key('3'), keys.enter, key('x'));
    expect(s.xray?.group).toBe('audit');
    expect(run(s, keys.escape)).toMatchObject({ xray: null, openGroup: 'audit' });
  });

  it(':xray group NAME opens it from any view, with the group name completed', () => {
    const s = run(loaded(), key(':'), ...typed('xr'), keys.tab, ...typed('g'), keys.tab, ...typed('pay'), keys.tab);
    expect(s.prompt).toEqual({ text: 'xray group payment-service' });
    const opened = run(s, keys.enter);
    expect(opened).toMatchObject({ view: 'groups', xray: { group: 'payment-service', reading: true } });
    expect(run(loaded(), key(':'), ...typed('xray payment-service'), keys.enter).notice).toBe('usage: :xray group NAME');
  });

  it('↑↓ move between its DLQs; Enter opens the DLQ under the cursor in the DLQ view', () => {
    const s = xrayed();
    expect(selectedItem(s, 'xray-dlqs')?.topic).toBe('checkout.orders.dlq');
    const moved = run(s, keys.down);
    expect(selectedItem(moved, 'xray-dlqs')?.topic).toBe('checkout.payment.dlq');
    const opened = run(moved, keys.enter);
    expect(opened.view).toBe('dlq');
    expect(opened.dlq.browse).toMatchObject({ topic: 'checkout.payment.dlq', status: 'loading' });
    // The X-ray waits behind: the Groups view shows it again.
    expect(run(opened, key('3')).xray?.group).toBe('payment-service');
  });

  it('is read again on every refresh while it shows; a late answer is ignored', () => {
    const s = xrayed();
    const ticked = run(s, { type: 'refresh-tick' });
    expect(ticked.xray).toMatchObject({ reading: true, result: { group: 'payment-service' } });
    expect(ticked.xray!.requestId).not.toBe(s.xray!.requestId);
    expect(run(ticked, { type: 'xray', requestId: s.xray!.requestId, at: T0, result: groupXray('stale') }).xray?.result?.group).toBe('payment-service');
    const failed = run(ticked, { type: 'xray-failed', requestId: ticked.xray!.requestId, message: 'boom' });
    expect(failed.xray).toMatchObject({ reading: false, error: 'boom', result: { group: 'payment-service' } });
    // Not while another view shows.
    expect(run(s, key('4'), { type: 'refresh-tick' }).xray?.reading).toBe(false);
  });

  it('PgDn scrolls at 80x24, clamped to its end', () => {
    const s = xrayed(80, 24);
    const down = run(s, key('', { pageDown: true }));
    expect(down.xray!.scroll).toBeGreaterThan(0);
    const end = run(down, key('', { pageDown: true }), key('', { pageDown: true }), key('', { pageDown: true }));
    expect(run(end, key('', { pageDown: true }))).toBe(end);
    expect(run(end, key('g')).xray!.scroll).toBe(0);
  });
});

describe("a group's X-ray: what hangs off a group", () => {
  const existing = new Set(['checkout.orders', 'checkout.payment.retry.5s', 'checkout.payment.retry.30s', 'checkout.payment.dlq', 'checkout.orders.dlq', 'checkout.orders-dlt', 'checkout.orders.parking', 'audit.retry.1m', 'audit.dlq']);

  it("names a service group's retry and DLQ topics as the runtime does, and the per-topic DLQs", () => {
    expect(queueTopicsOf('payment-service', ['checkout.orders'], existing)).toEqual({
      retries: ['checkout.payment.retry.30s', 'checkout.payment.retry.5s'],
      dlqs: ['checkout.orders-dlt', 'checkout.orders.dlq', 'checkout.payment.dlq'],
    });
  });

  it('finds a --group service by what its retry stages read', () => {
    expect(queueTopicsOf('pay-canary', ['checkout.orders', 'checkout.payment.retry.5s'], existing).dlqs).toContain('checkout.payment.dlq');
    expect(queueTopicsOf('other', ['elsewhere'], existing)).toEqual({ retries: [], dlqs: [] });
  });

  it("takes the subjects of the group's topics by name", () => {
    expect(subjectsOf(['checkout.orders'], ['checkout.orders-value', 'checkout.orders-key', 'checkout.orders-com.acme.Order', 'checkout.orders.dlq-value', 'checkout.ordersx-value'])).toEqual([
      'checkout.orders-com.acme.Order',
      'checkout.orders-key',
      'checkout.orders-value',
    ]);
  });
});

describe.each([
  [80, 24],
  [200, 60],
] as const)("a group's X-ray at %ix%i", (columns, rows) => {
  it('shows its members, partitions, topics, retry/DLQ topics and subjects within the screen', () => {
    const s = xrayed(columns, rows);
    const top = expectCleanFrame(frameOf(s), columns, rows);
    const all = [top.join('\n')];
    // 80x24 scrolls to the rest.
    let at = s;
    for (let i = 0; i < 4; i++) {
      at = run(at, key('', { pageDown: true }));
      all.push(expectCleanFrame(frameOf(at), columns, rows).join('\n'));
    }
    const text = all.join('\n');
    expect(top[2]).toMatch(/^X-ray of group payment-service · Stable, 2 members · lag 1,800/);
    expect(text).toMatch(/── MEMBERS \(2\)/);
    expect(text).toMatch(/payment-1\s+\/10\.0\.4\.17\s+checkout\.orders\[0,1\]/);
    expect(text).toMatch(/── PARTITIONS \(3\)/);
    expect(text).toMatch(/checkout\.orders\s+0\s+600\s+42\.0 s\s+OK/);
    expect(text).toMatch(/── TOPICS \(1\)/);
    expect(text).toMatch(/RETRY\s+checkout\.payment\.retry\.5s\s+3\s+GatewayTimeoutException 3/);
    expect(text).toMatch(/› DLQ\s+checkout\.orders\.dlq\s+1\s+BadOrder 1/);
    expect(text).toMatch(/ {2}DLQ\s+checkout\.payment\.dlq\s+12\s+UnknownSchemaIdError 7, GatewayTim/);
    expect(text).toContain('checkout.orders-com.streamflow.checkout.OrderCreated');
    if (rows === 60) expect(top.join('\n')).toContain('── SUBJECTS (1)');
  });

  it('says so when no registry is configured, and while it reads', () => {
    const s = xrayed(columns, rows, groupXray('payment-service', { subjects: null }));
    const end = run(s, key('G'));
    expect(expectCleanFrame(frameOf(end), columns, rows).join('\n')).toContain('no schema registry configured');
    const reading = run(loaded(columns, rows), key('3'), key('x'));
    expect(expectCleanFrame(frameOf(reading), columns, rows).join('\n')).toContain('Reading the X-ray of audit…');
  });
});
