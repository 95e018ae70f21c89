/**
 * The DLQ commands' defaults, which the dashboard uses too: a DLQ opened or redriven from the
 * dashboard behaves as `dlq list`, `dlq browse` and `dlq redrive` do without flags.
 */

/** `dlq list --sample`: newest records read per DLQ topic for its error classes. */
export const DLQ_LIST_SAMPLE = 200;

/** `dlq browse --limit`: records shown. */
export const BROWSE_LIMIT = 20;

/** `dlq browse --max-scan`: records looked at before giving up (keeps a filtered browse of a deep DLQ bounded). */
export const BROWSE_MAX_SCAN = 10_000;

/** `dlq redrive --max-redrives`: records already redriven this many times are skipped (stops loops). */
export const MAX_REDRIVES = 3;

/**
 * `dlq redrive --rate`, records/s: the failures that filled a DLQ are often still there, so a
 * redrive trickles records back instead of flooding the services with them.
 */
export const REDRIVE_RATE_PER_SEC = 100;
