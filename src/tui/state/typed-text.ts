import type { KeyPress } from './dashboard-actions.js';

/** Typed characters; '' for control keys. */
export function printable(input: string, key: KeyPress): string {
  if (key.ctrl || key.meta || key.return || key.escape || key.tab) return '';
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001F\u007F]/g, '');
}
