import type { Connection } from '../config/resolve-connection.js';
import { requireRedis } from '../config/resolve-connection.js';
import { readRunManifest } from '../generator/run-manifest.js';
import { withClusterSession } from '../kafka/cluster-session.js';
import { readToEnd } from '../kafka/read-to-end.js';
import { SPRING } from '../dlq/dlq-headers.js';

import { RedisEffectStore } from './redis-effect-store.js';
import { DEFAULT_WINDOW_SEC } from './store-layout.js';
import { serviceTopics } from './services/index.js';
import { SERVICES, type ServiceName } from './types.js';
import type { DlqEntry, VerifyInput } from './verify-run.js';

/** Gather what verifyRun needs: the run's manifest, each service's store (in `storeNamespace`, if the services ran in one), and the DLQs. */
export async function fetchVerifyInput(conn: Connection, env: NodeJS.ProcessEnv, runId: string, opts: { storeNamespace?: string } = {}): Promise<VerifyInput> {
  const { manifest, valid, poison, inDoubt } = await readRunManifest(env, runId);
  // verify only reads: no WAIT, and no word about masters without a replica.
  const store = await RedisEffectStore.connect(requireRedis(conn).url, { waitReplicas: 0, ...(opts.storeNamespace ? { namespace: opts.storeNamespace } : {}) });
  try {
    const effects = {} as VerifyInput['effects'];
    const orders = {} as VerifyInput['orders'];
    // Each order's state is read where its key put it; only this run's orders are read.
    const runOrders = [...new Map([...valid, ...inDoubt.valid].map((v) => [v.orderId, { orderId: v.orderId, key: v.key }])).values()];
    let shortestWindowSec = Infinity;
    for (const s of SERVICES) {
      const windowSec = (await store.adoptRecordedLayout(s)) ?? DEFAULT_WINDOW_SEC;
      shortestWindowSec = Math.min(shortestWindowSec, windowSec);
      [effects[s], orders[s]] = await Promise.all([store.effectCounts(s, runId), store.orderStates(s, runOrders, { windowSec, auditSec: 0 })]);
    }
    // A state is kept at least one window after its order's last event: younger runs have them all.
    const statesMayHaveExpired = Date.now() - Date.parse(manifest.startedAt) >= shortestWindowSec * 1000;
    return { runId, valid, poison, inDoubt, effects, orders, dlq: await readRunDeadLetters(conn, runId), statesMayHaveExpired };
  } finally {
    await store.close();
  }
}

/** Every dead letter of the run (by its run_id header) in every service's DLQ topic. */
async function readRunDeadLetters(conn: Connection, runId: string): Promise<DlqEntry[]> {
  return withClusterSession(conn, async (session) => {
    const entries: DlqEntry[] = [];
    const dlqs = new Map(SERVICES.map((s) => [serviceTopics(s).dlq, s] as [string, ServiceName]));
    const parts = await session.offsets.partitions([...dlqs.keys()]);
    const ranges = await session.offsets.ranges([...parts].flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition }))));
    for (const range of ranges) {
      await readToEnd(session, range.topic, range.partition, range.earliest, (r) => {
        const header = (name: string) => r.headers.find((h) => h.key === name)?.value?.toString();
        if (header('run_id') === runId) entries.push({ service: dlqs.get(range.topic)!, eventId: header('event_id'), errorClass: header(SPRING.exceptionClass) });
      }, range);
    }
    return entries;
  });
}
