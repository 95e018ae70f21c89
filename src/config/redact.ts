/** Replace every secret-bearing field with "***" before anything is printed. */
const SECRET_KEYS = new Set(['password', 'token', 'secret']);

export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && typeof v === 'string' ? '***' : redactSecrets(v)]),
    ) as T;
  }
  if (typeof value === 'string') return redactUrlCredentials(value) as T;
  return value;
}

/** redis://user:pass@host -> redis://user:***@host */
export function redactUrlCredentials(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]+@/i, '$1:***@');
}
