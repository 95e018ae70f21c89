import { UsageError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { withTopicAdmin } from '../kafka/topic-admin.js';
import type { TopicDescription } from './topic-describe.js';

export interface TopicDeletePlan {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Records that go with it (null when not counted, see topic describe) and the offsets they span. */
  records: number | null;
  offsets: number;
}

/** What deleting this topic throws away. Pure; refuses Kafka's internal topics. */
export function planTopicDelete(topic: TopicDescription): TopicDeletePlan {
  if (topic.name.startsWith('__')) {
    throw new UsageError(`refusing to delete ${topic.name}: it is one of Kafka's internal topics`);
  }
  return {
    topic: topic.name,
    partitions: topic.partitions.length,
    replicationFactor: topic.replicationFactor,
    records: topic.records,
    offsets: topic.offsets,
  };
}

export async function executeTopicDelete(conn: Connection, plan: TopicDeletePlan): Promise<void> {
  await withTopicAdmin(conn, (admin) => admin.deleteTopics([plan.topic]));
}
