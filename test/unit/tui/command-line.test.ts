import { describe, expect, it } from 'vitest';
import { candidates, complete } from '../../../src/tui/state/command-line.js';
import { type DashboardState, initialState } from '../../../src/tui/state/dashboard-state.js';
import { key, keys, loaded, run, typed } from './fixtures.js';

const CONTEXTS = ['prod', 'prod-eu', 'staging', 'local'];

/** Loaded data, on context prod of CONTEXTS. */
function onProd(): DashboardState {
  const s = loaded();
  return { ...s, contexts: { names: CONTEXTS, current: 'prod', switching: null } };
}

/** ':' then the text, then Enter. */
const command = (s: DashboardState, text: string) => run(s, key(':'), ...typed(text), keys.enter);

describe('the : command line', () => {
  it('opens with :, takes text, Backspace deletes (on an empty prompt: closes), Esc cancels', () => {
    let s = run(onProd(), key(':'), ...typed('grx'));
    expect(s.prompt).toEqual({ text: 'grx' });
    s = run(s, keys.backspace, ...typed('oups'));
    expect(s.prompt).toEqual({ text: 'groups' });
    // Keys go to the prompt, not to the views: '3' and 'q' are text.
    expect(run(s, key('3'), key('q')).prompt).toEqual({ text: 'groups3q' });
    expect(run(s, keys.escape)).toMatchObject({ prompt: null, view: 'cluster' });
    expect(run(onProd(), key(':'), keys.backspace).prompt).toBeNull();
    expect(run(s, keys.ctrlC).quit).toBe(true);
  });

  it('runs a view name as the number keys do, and :q / :quit quit', () => {
    for (const [text, view] of [
      ['groups', 'groups'],
      ['topics', 'topics'],
      ['  dlq ', 'dlq'],
      ['offsets', 'offsets'],
      ['schemas', 'schemas'],
      ['services', 'services'],
    ] as const) {
      expect(command(onProd(), text)).toMatchObject({ view, prompt: null, notice: null });
    }
    expect(command(run(onProd(), key('3')), 'cluster').view).toBe('cluster');
    expect(command(onProd(), 'q').quit).toBe(true);
    expect(command(onProd(), 'quit').quit).toBe(true);
    // Enter on an empty prompt just closes it.
    const s = onProd();
    expect(command(s, '')).toEqual(s);
  });

  it('names the closest command for an unknown one, and lists them when none is close', () => {
    expect(command(onProd(), 'grups')).toMatchObject({ view: 'cluster', prompt: null, notice: 'unknown command ":grups" — did you mean ":groups"?' });
    expect(command(onProd(), 'xyzzy').notice).toBe('unknown command ":xyzzy" (commands: cluster, topics, groups, dlq, offsets, schemas, services, ctx, xray, q, quit)');
    expect(command(onProd(), 'groups now').notice).toBe(':groups takes no argument');
    // The notice goes with the next key.
    expect(run(command(onProd(), 'grups'), key('x')).notice).toBeNull();
  });

  it('Tab completes a command, then a context name; the candidates narrow as you type', () => {
    const names = CONTEXTS;
    expect(candidates('', names)).toHaveLength(11);
    expect(candidates('s', names)).toEqual(['schemas', 'services']);
    expect(complete('g', names)).toBe('groups');
    expect(complete('s', names)).toBe('s');
    expect(complete('sc', names)).toBe('schemas');
    expect(complete('c', names)).toBe('c');
    expect(complete('ct', names)).toBe('ctx ');
    expect(complete('ctx ', names)).toBe('ctx ');
    expect(candidates('ctx ', names)).toEqual(CONTEXTS);
    expect(complete('ctx p', names)).toBe('ctx prod');
    expect(complete('ctx prod-', names)).toBe('ctx prod-eu');
    expect(complete('ctx st', names)).toBe('ctx staging');
    expect(complete('groups x', names)).toBe('groups x');
    // Through the reducer: Tab, Tab, Enter switches to staging.
    const s = run(onProd(), key(':'), ...typed('ct'), keys.tab, ...typed('st'), keys.tab);
    expect(s.prompt).toEqual({ text: 'ctx staging' });
    expect(run(s, keys.enter).contexts.switching).toMatchObject({ name: 'staging' });
    // Nothing to complete: the same state.
    const none = run(onProd(), key(':'), ...typed('zz'));
    expect(run(none, keys.tab)).toBe(none);
  });

  it('takes a command typed fast, read as one string', () => {
    expect(run(onProd(), key(':groups\r'))).toMatchObject({ view: 'groups', prompt: null });
    expect(run(onProd(), key(':gr\t\r'))).toMatchObject({ view: 'groups', prompt: null });
  });
});

describe(':ctx', () => {
  it('asks for a source of the named context; its arrival starts the data over on the same view', () => {
    let s = run(onProd(), key('3'), key('/'), ...typed('pay'), keys.enter, keys.enter);
    expect(s.openGroup).toBe('payment-service');
    s = command(s, 'ctx staging');
    const requestId = s.contexts.switching!.requestId;
    expect(s.contexts).toMatchObject({ current: 'prod', switching: { name: 'staging' } });
    expect(s.nextRequestId).toBe(requestId + 1);
    // An answer to another request changes nothing.
    expect(run(s, { type: 'context-switched', requestId: requestId - 1 })).toBe(s);
    const after = run(s, { type: 'context-switched', requestId });
    expect(after).toMatchObject({ view: 'groups', openGroup: null, filters: {}, notice: null, contexts: { names: CONTEXTS, current: 'staging', switching: null } });
    expect(after.overview.groups).toEqual([]);
    expect(after.nextRequestId).toBe(s.nextRequestId);
  });

  it('an unknown name lists the known ones; without a name it says which one is current', () => {
    const s = command(onProd(), 'ctx prd');
    expect(s).toMatchObject({ notice: 'unknown context "prd" (known: prod, prod-eu, staging, local)', contexts: { switching: null } });
    expect(command(onProd(), 'ctx').notice).toBe('context prod · :ctx NAME switches (known: prod, prod-eu, staging, local)');
    expect(command(onProd(), 'ctx prod').notice).toBe('already on context prod');
    expect(command(onProd(), 'ctx a b').notice).toBe('usage: :ctx NAME');
    const none = initialState({ size: { columns: 80, rows: 24 } });
    expect(command(none, 'ctx x').notice).toBe('unknown context "x" (no contexts are configured)');
  });

  it('a context that does not resolve leaves the current one, with the reason', () => {
    const s = command(onProd(), 'ctx prod-eu');
    const failed = run(s, { type: 'context-failed', requestId: s.contexts.switching!.requestId, message: 'SASL password is read from env var EU_PASSWORD, which is not set' });
    expect(failed.contexts).toEqual({ names: CONTEXTS, current: 'prod', switching: null });
    expect(failed.notice).toBe('✗ context prod-eu: SASL password is read from env var EU_PASSWORD, which is not set');
    expect(failed.overview).toBe(s.overview);
  });

  it('waits for a redrive or an offset reset in flight', () => {
    const s = onProd();
    const resetting = { ...s, wizard: { ...s.wizard, step: 'executing' as const } };
    expect(command(resetting, 'ctx staging')).toMatchObject({ contexts: { switching: null }, notice: 'an offset reset is running on context prod: switch when it is done' });
  });
});
