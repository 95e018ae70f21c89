import { type Dispatch, useEffect, useRef } from 'react';
import type { DashboardSource } from '../data/dashboard-source.js';
import { errorMessage } from '../data/error-message.js';
import type { DashboardAction } from '../state/dashboard-actions.js';
import type { DashboardState } from '../state/dashboard-state.js';
import { refreshScope } from '../state/refresh-scope.js';
import type { ViewId } from '../state/views.js';

/** DLQ samples and registry listings cost more than offsets: refresh them at most this often. */
const SLOW_DATA_MS = 5_000;

/**
 * Every `refreshMs`: the cluster overview (the lag and offsets of what the view shows, and a
 * share of the rest: refreshScope), the services' metrics, the current view's slower data, and a tick for
 * what follows live data (the reducer starts those reads: the Records view's LIVE mode). A refresh
 * still running skips the tick instead of piling up; a failure is reported and the next tick
 * tries again.
 */
export function useRefreshLoop(source: DashboardSource, dispatch: Dispatch<DashboardAction>, refreshMs: number, state: DashboardState): void {
  const stateRef = useRef(state);
  stateRef.current = state;
  const view = state.view;
  const slowAt = useRef<Partial<Record<ViewId, number>>>({});
  const fetchSlowRef = useRef<(force: boolean) => void>(() => undefined);

  useEffect(() => {
    // A new source (another context) has none of the slow data yet: its first tick reads it.
    slowAt.current = {};
    let live = true;
    const send = (a: DashboardAction) => {
      if (live) dispatch(a);
    };
    const inFlight = new Set<string>();
    const once = (name: string, run: () => Promise<void>) => {
      if (inFlight.has(name)) return;
      inFlight.add(name);
      void run().finally(() => inFlight.delete(name));
    };
    const fetchSlow = (force: boolean) => {
      const v = stateRef.current.view;
      if (v !== 'dlq' && v !== 'schemas') return;
      const due = (slowAt.current[v] ?? 0) + Math.max(SLOW_DATA_MS, refreshMs);
      if (!force && Date.now() < due) return;
      slowAt.current[v] = Date.now();
      if (v === 'dlq') {
        once('dlq', () =>
          source.dlqTopics().then(
            (topics) => send({ type: 'dlq-topics', at: Date.now(), topics }),
            (err: unknown) => send({ type: 'dlq-topics-failed', message: errorMessage(err) }),
          ),
        );
      } else {
        once('schemas', () =>
          source.subjects().then(
            (subjects) => send({ type: 'subjects', at: Date.now(), subjects }),
            (err: unknown) => send({ type: 'subjects-failed', message: errorMessage(err) }),
          ),
        );
      }
    };
    fetchSlowRef.current = fetchSlow;
    const tick = () => {
      once('overview', () =>
        source.overview(refreshScope(stateRef.current, refreshMs)).then(
          (snapshot) => send({ type: 'overview', snapshot }),
          (err: unknown) => send({ type: 'overview-failed', at: Date.now(), message: errorMessage(err) }),
        ),
      );
      once('services', () =>
        source.services().then(
          (reading) => send({ type: 'services', at: Date.now(), reading }),
          (err: unknown) => send({ type: 'services-failed', message: errorMessage(err) }),
        ),
      );
      fetchSlow(false);
      send({ type: 'refresh-tick' });
    };
    tick();
    const timer = setInterval(tick, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [source, dispatch, refreshMs]);

  // Opening a view shows its data now, not at the next slow refresh.
  useEffect(() => fetchSlowRef.current(true), [view]);
}
