import type * as Dashboard from '../tui/run-dashboard.js';

/**
 * The dashboard module (Ink and React), loaded only by the commands that draw it, so --help
 * and the scripted commands start without them. React picks its build when it loads: the
 * production one unless NODE_ENV says otherwise. The development build re-checks every render
 * and times it for DevTools, which doubled the dashboard's CPU on a big cluster.
 */
export async function loadDashboard(): Promise<typeof Dashboard> {
  process.env.NODE_ENV ??= 'production';
  return import('../tui/run-dashboard.js');
}
