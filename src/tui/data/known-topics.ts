import { type PartitionRange, rangesByPartition } from '../../kafka/log-offsets.js';
import type { PartitionMetadata } from '../../kafka/topic-admin.js';
import type { PartitionInfo, TopicInfo } from '../state/snapshots.js';

/**
 * The topics as metadata last described them, each partition with the start and end offsets
 * last read. A refresh reads the offsets of a few topics; the others pass on as they were (the
 * same objects, so nothing is rebuilt for them until the metadata changes).
 */
export class KnownTopics {
  private known = new Map<string, { meta: PartitionMetadata[]; info: TopicInfo }>();

  update(meta: Map<string, PartitionMetadata[]>, ranges: PartitionRange[]): TopicInfo[] {
    const read = rangesByPartition(ranges);
    const next = new Map<string, { meta: PartitionMetadata[]; info: TopicInfo }>();
    for (const [name, parts] of meta) {
      const before = this.known.get(name);
      const fresh = read.get(name);
      if (before && before.meta === parts && !fresh) {
        next.set(name, before);
        continue;
      }
      const last = new Map(before?.info.partitions.map((p) => [p.partition, p]));
      const partitions = parts.map((p): PartitionInfo => {
        const r = fresh?.get(p.partition);
        if (r) return { ...p, start: Number(r.earliest), end: Number(r.latest) };
        const b = last.get(p.partition);
        return { ...p, start: b?.start ?? null, end: b?.end ?? null };
      });
      next.set(name, { meta: parts, info: { name, internal: name.startsWith('__'), partitions } });
    }
    this.known = next;
    return [...next.values()].map((e) => e.info);
  }
}
