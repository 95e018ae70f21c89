import { useApp, useInput } from 'ink';
import { useEffect, useReducer } from 'react';
import { Screen } from './components/screen.js';
import type { ContextSwitcher, DashboardSource } from './data/dashboard-source.js';
import { useContextSource } from './hooks/use-context-source.js';
import { useDashboardEffects } from './hooks/use-dashboard-effects.js';
import { useRefreshLoop } from './hooks/use-refresh-loop.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { dashboardReducer } from './state/dashboard-reducer.js';
import { initialState } from './state/dashboard-state.js';
import type { ViewId } from './state/views.js';

export interface DashboardAppProps {
  /** The source to start with; `:ctx NAME` replaces it with one from `contexts`. */
  source: DashboardSource;
  refreshMs: number;
  contexts?: ContextSwitcher;
  initialView?: ViewId;
  color: boolean;
}

/**
 * The dashboard: keys and domain answers go through one pure reducer; hooks refresh the data
 * and run the effects the reducer asks for; the Screen draws the state. React renders only
 * when the reducer returns a new state, and Ink writes only the lines that changed.
 */
export function DashboardApp({ source: initialSource, refreshMs, initialView, color, contexts }: DashboardAppProps) {
  const size = useTerminalSize();
  const [state, dispatch] = useReducer(
    dashboardReducer,
    { size, ...(initialView ? { view: initialView } : {}), ...(contexts ? { contexts: { names: contexts.names, current: contexts.current } } : {}) },
    initialState,
  );
  const { exit } = useApp();
  const source = useContextSource(initialSource, state, dispatch, contexts);

  useEffect(() => dispatch({ type: 'resize', size }), [size]);
  useRefreshLoop(source, dispatch, refreshMs, state);
  useDashboardEffects(source, state, dispatch);
  // Keys go to the reducer as they are, so keys typed faster than React renders see the latest state.
  useInput((input, key) => dispatch({ type: 'key', input, key }));
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  return <Screen state={state} label={source.label} refreshMs={refreshMs} color={color} />;
}
