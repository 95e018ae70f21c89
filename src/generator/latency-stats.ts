/**
 * Ack latency percentiles from batches: every record of a batch waited as long as its batch,
 * so samples are (latency, weight) pairs and percentiles are weighted.
 */
export class LatencyStats {
  private samples: Array<[number, number]> = [];
  private total = 0;

  add(latencyMs: number, records: number): void {
    this.samples.push([latencyMs, records]);
    this.total += records;
  }

  percentile(p: number): number {
    if (this.total === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a[0] - b[0]);
    const rank = (p / 100) * this.total;
    let seen = 0;
    for (const [latency, weight] of sorted) {
      seen += weight;
      if (seen >= rank) return latency;
    }
    return sorted.at(-1)![0];
  }

  /** Percentile over the most recent samples only (live progress). */
  recent(p: number, last = 50): number {
    const tail = new LatencyStats();
    for (const [l, w] of this.samples.slice(-last)) tail.add(l, w);
    return tail.percentile(p);
  }
}
