import type { DashboardState } from '../state/dashboard-state.js';

/** What every view is drawn from: the state and the body's size. Views are pure functions of these. */
export interface ViewProps {
  state: DashboardState;
  width: number;
  height: number;
  color: boolean;
}
