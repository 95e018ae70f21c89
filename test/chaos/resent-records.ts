import type { Connection } from '../../src/config/resolve-connection.js';
import { STREAMFLOW } from '../../src/dlq/dlq-headers.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';

/**
 * Records the generator runs wrote to `topic` as a read_committed reader counts them: their
 * run_id is one of `runIds` and they carry no saga-start header (the runtime sets it on every
 * event it derives, e.g. payment's OrderCancelled on the same topic). Beyond what the runs'
 * manifests count as acknowledged, these are the records the at-least-once generator wrote
 * twice (a retried send whose first attempt had landed) or sent and never saw acknowledged.
 */
export async function generatorRecordsOn(conn: Connection, topic: string, runIds: string[]): Promise<number> {
  const runs = new Set(runIds);
  return withClusterSession(conn, async (session) => {
    const partitions = (await session.offsets.partitions([topic])).get(topic) ?? [];
    const ranges = await session.offsets.ranges(partitions.map((partition) => ({ topic, partition })));
    let count = 0;
    for (const { partition, earliest, latest } of ranges) {
      for (let from = earliest; from < latest; ) {
        const { records, nextOffset, atEnd } = await session.records.read(topic, partition, from, { maxRecords: 100_000, untilOffset: latest, maxBytes: 4 << 20 });
        for (const r of records) {
          const runId = r.headers.find((h) => h.key === 'run_id')?.value?.toString();
          if (runId && runs.has(runId) && !r.headers.some((h) => h.key === STREAMFLOW.sagaStarted)) count++;
        }
        if (atEnd || nextOffset <= from) break;
        from = nextOffset;
      }
    }
    return count;
  }, 'streamflow-chaos-count');
}
