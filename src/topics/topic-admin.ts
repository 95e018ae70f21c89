import { createKafka, withAdmin } from '../kafka/client.js';
import { type Connection, requireBrokers } from '../config/resolve-connection.js';

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
}

export async function listTopics(conn: Connection, opts: { includeInternal?: boolean } = {}): Promise<TopicSummary[]> {
  const brokers = requireBrokers(conn);
  return withAdmin(createKafka(conn), brokers, async (admin) => {
    const names = (await admin.listTopics()).filter((t) => opts.includeInternal || !t.startsWith('__'));
    if (names.length === 0) return [];
    const meta = await admin.fetchTopicMetadata({ topics: names });
    return meta.topics
      .map((t) => ({ name: t.name, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0 }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** Create a topic; returns false when it already existed. */
export async function createTopic(conn: Connection, spec: TopicSpec): Promise<boolean> {
  const brokers = requireBrokers(conn);
  return withAdmin(createKafka(conn), brokers, (admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
        },
      ],
    }),
  );
}
