import { UsageError } from '../errors.js';
import { closest } from '../cli/suggest.js';
import type { Connection } from '../config/resolve-connection.js';
import { type TopicAdmin, type TopicSpec, withTopicAdmin } from '../kafka/topic-admin.js';

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
}

export async function listTopics(conn: Connection, opts: { includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
  return withTopicAdmin(conn, async (admin) => {
    const names = (await admin.topicNames()).filter((t) => opts.includeInternal || !t.startsWith('__'));
    const partitions = await admin.partitions(names);
    return [...partitions]
      .map(([name, parts]) => ({ name, partitions: parts.length, replicationFactor: parts[0]?.replicas.length ?? 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** Create a topic as specified (see planTopicCreate for the defaults); false when it already existed. */
export async function createTopic(conn: Connection, spec: TopicSpec): Promise<boolean> {
  return withTopicAdmin(conn, (admin) => admin.createTopics([spec]));
}

/** Exit 2 naming the topic (and the closest existing name) when it does not exist. */
export async function requireTopic(admin: Pick<TopicAdmin, 'topicNames'>, name: string): Promise<void> {
  const names = await admin.topicNames();
  if (names.includes(name)) return;
  const guess = closest(name, names);
  throw new UsageError(`topic "${name}" does not exist`, guess ? `did you mean "${guess}"? (\`streamflow topic list\`)` : 'see `streamflow topic list`');
}

/** The partition count of an existing topic (exit 2 if it does not exist). */
export async function fetchPartitionCount(conn: Connection, topic: string): Promise<number> {
  return withTopicAdmin(conn, async (admin) => {
    await requireTopic(admin, topic);
    return (await admin.partitions([topic])).get(topic)!.length;
  });
}
