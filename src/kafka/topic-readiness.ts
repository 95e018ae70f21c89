import type { Admin } from 'kafkajs';

/**
 * Wait until every partition of `topics` has a leader on every broker's metadata. kafkajs'
 * own `waitForLeaders` gives up on UNKNOWN_TOPIC_OR_PARTITION, which a multi-broker cluster
 * (seen on Kafka 3.9) returns for a moment after CreateTopics while metadata propagates.
 */
export async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.length === topics.length && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs / 1000} s${lastError ? `: ${(lastError as Error).message}` : ''}`);
}
