import { StreamflowError } from '../../errors.js';
import { redactUrlCredentials } from '../../config/redact.js';

/** One line for the status bar: the error's message (and hint), credentials redacted. */
export function errorMessage(err: unknown): string {
  const text = err instanceof StreamflowError && err.hint ? `${err.message} (${err.hint})` : err instanceof Error ? err.message : String(err);
  return redactUrlCredentials(text.replace(/\s*\n\s*/g, '; '));
}
