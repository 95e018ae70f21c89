/** In-process retries: exponential backoff with full jitter, bounded. */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseMs: 100, maxMs: 2_000 };

/** Delay before attempt `n` (n >= 2): random in [0, min(max, base * 2^(n-2))]. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 2)));
}
