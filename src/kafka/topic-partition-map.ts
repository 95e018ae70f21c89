/**
 * Values by topic, then partition: no key string to build per partition, which at 10,000
 * partitions a refresh was tens of thousands of short-lived strings. Insertion order is kept.
 */
export class TopicPartitionMap<T> {
  private byTopic = new Map<string, Map<number, T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(topic: string, partition: number): T | undefined {
    return this.byTopic.get(topic)?.get(partition);
  }

  set(topic: string, partition: number, value: T): void {
    let partitions = this.byTopic.get(topic);
    if (!partitions) this.byTopic.set(topic, (partitions = new Map()));
    if (!partitions.has(partition)) this.count++;
    partitions.set(partition, value);
  }

  values(): T[] {
    const out: T[] = [];
    for (const partitions of this.byTopic.values()) for (const v of partitions.values()) out.push(v);
    return out;
  }
}

/** Each topic-partition of `refs` once (the last of each, in order of first appearance by topic). */
export function uniqueRefs<T extends { topic: string; partition: number }>(refs: T[]): T[] {
  const seen = new TopicPartitionMap<T>();
  for (const r of refs) seen.set(r.topic, r.partition, r);
  return seen.values();
}
