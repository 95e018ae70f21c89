import type { Size } from '../state/dashboard-state.js';

/** The view's part of the screen (Screen's frame, one line short of the terminal, less header, tabs, status and key hints). */
export function bodySize(size: Size): Size {
  return { columns: Math.max(20, size.columns), rows: Math.max(8, size.rows - 1) - 4 };
}
