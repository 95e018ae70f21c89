/**
 * Failed batches, told to the operator without flooding: a failing store (a Redis failover)
 * fails every consumer's batches for a few seconds, each retried within a second. The first
 * failure of a consumer group is told at once, later ones by the first failure of each
 * interval, with how many came since.
 */
export class BatchFailureLog {
  private readonly groups = new Map<string, { toldAt: number; since: number }>();

  constructor(
    private readonly log: (message: string) => void,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  failed(group: string, err: Error, at: { topic: string; partition: number }): void {
    const t = this.now();
    const what = `${err.name}: ${err.message}`;
    const g = this.groups.get(group);
    if (!g || t - g.toldAt >= this.intervalMs) {
      const earlier = g?.since ? ` (${g.since} more since the last report)` : '';
      this.log(`${group}: a batch of ${at.topic}/${at.partition} failed and is redelivered${earlier}: ${what}`);
      this.groups.set(group, { toldAt: t, since: 0 });
    } else {
      g.since++;
    }
  }
}
