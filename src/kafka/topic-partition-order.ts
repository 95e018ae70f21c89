/**
 * Topic-partitions in order: topic names by code unit (as Kafka's Java tools compare them, and
 * without localeCompare's collation cost on lists of thousands), then partition number.
 */
export function byTopicPartition(a: { topic: string; partition: number }, b: { topic: string; partition: number }): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}
