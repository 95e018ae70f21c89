import { type Dispatch, useEffect, useRef, useState } from 'react';
import type { ContextSwitcher, DashboardSource } from '../data/dashboard-source.js';
import { errorMessage } from '../data/error-message.js';
import type { DashboardAction } from '../state/dashboard-actions.js';
import type { DashboardState } from '../state/dashboard-state.js';

/**
 * The source the dashboard reads: the one it started with, until `:ctx NAME` asks for another
 * (state.contexts.switching). The replaced source closes once the app reads the new one: by
 * then the refresh loop of the old one has stopped, so nothing it still had in flight reports.
 */
export function useContextSource(initial: DashboardSource, state: DashboardState, dispatch: Dispatch<DashboardAction>, switcher: ContextSwitcher | undefined): DashboardSource {
  const [source, setSource] = useState(initial);
  const switching = state.contexts.switching;
  const switchId = switching?.requestId ?? null;
  useEffect(() => {
    if (switchId === null || !switching) return;
    let wanted = true;
    const open = switcher ? switcher.open(switching.name) : Promise.reject(new Error('this dashboard cannot switch contexts'));
    open.then(
      (next) => {
        // A newer :ctx (or quitting) superseded this one: its source is not used.
        if (!wanted) return void next.close();
        setSource(next);
        dispatch({ type: 'context-switched', requestId: switchId });
      },
      (err: unknown) => dispatch({ type: 'context-failed', requestId: switchId, message: errorMessage(err) }),
    );
    return () => {
      wanted = false;
    };
  }, [switchId]);

  const shown = useRef(source);
  useEffect(() => {
    const previous = shown.current;
    shown.current = source;
    if (previous !== source) void previous.close();
  }, [source]);
  return source;
}
