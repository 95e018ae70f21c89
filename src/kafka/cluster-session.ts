import type { Connection } from '../config/resolve-connection.js';
import { requireBrokers } from '../config/resolve-connection.js';
import { connectWithin, createKafka, disconnectQuietly, toUnreachable } from './client.js';
import { type ConsumerGroupAdmin, consumerGroupAdmin } from './consumer-groups.js';
import { READ_UNCOMMITTED, internalCluster } from './kafkajs-cluster.js';
import { type LogOffsetsAdmin, logOffsetsAdmin } from './log-offsets.js';
import { type ClusterMetadata, clusterMetadata } from './cluster-metadata.js';
import { withKafkaRetry } from './kafka-retry.js';
import { type RecordReader, recordReader } from './record-reader.js';

/** What lag, offset resets and the DLQ commands need from a cluster, in plain types. */
export interface ClusterSession {
  groups: ConsumerGroupAdmin;
  offsets: LogOffsetsAdmin;
  records: RecordReader;
  /** Brokers, controller and every topic's partitions, in one Metadata answer. */
  metadata(): Promise<ClusterMetadata>;
}

/**
 * Run `fn` with a connected session (an admin client plus a group-less reader). Connecting is
 * bounded like every command's, and connection failures become exit 3 naming the address.
 */
export async function withClusterSession<T>(conn: Connection, fn: (session: ClusterSession) => Promise<T>, clientId = 'streamflow'): Promise<T> {
  const brokers = requireBrokers(conn);
  const kafka = createKafka(conn, { clientId });
  const admin = kafka.admin();
  const cluster = internalCluster(kafka, READ_UNCOMMITTED);
  try {
    await connectWithin(() => Promise.all([admin.connect(), cluster.connect()]).then(() => undefined), brokers);
    return await fn({
      groups: consumerGroupAdmin(admin, cluster),
      offsets: logOffsetsAdmin(admin, cluster),
      records: recordReader(cluster),
      metadata: () => withKafkaRetry(() => clusterMetadata(cluster), { beforeRetry: () => cluster.refreshMetadata() }),
    });
  } catch (err) {
    throw toUnreachable(err, brokers) ?? err;
  } finally {
    await Promise.all([disconnectQuietly(() => admin.disconnect()), disconnectQuietly(() => cluster.disconnect())]);
  }
}
