import type { Connection } from '../config/resolve-connection.js';
import { createKafka, withAdmin } from './client.js';

export interface ClusterProbe {
  clusterId: string;
  controller: number | null;
  brokers: Array<{ nodeId: number; host: string; port: number }>;
}

/** Ask the cluster for its metadata: the readiness check of `dev up` and `dev status`. */
export async function probeCluster(conn: Connection): Promise<ClusterProbe> {
  return withAdmin(createKafka(conn, { clientId: 'streamflow-probe' }), conn.brokers, (admin) => admin.describeCluster());
}
