import type { EachBatchPayload } from 'kafkajs';

/** A chunk that has not committed for this long is stuck: stop vouching for the member. */
const STUCK_MS = 60_000;

export interface BatchKeepAlive {
  /** A chunk committed (or a due retry was waited on): the batch is making progress. */
  progressed(): void;
  /** The group is rebalancing or dropped this member: commit the chunk in hand, take no other. */
  readonly leaving: boolean;
  stop(): void;
}

/**
 * kafkajs heartbeats only between fetches and when eachBatch calls heartbeat(). A batch of
 * several chunks on a busy machine outlasts the session timeout, the coordinator drops the
 * member mid-batch (UNKNOWN_MEMBER_ID) and its partitions' work in hand is done again by
 * another member, which slows it down in turn: a rebalance storm under load. So heartbeat
 * every interval while the batch makes progress (its kafkajs heartbeat is shared and
 * throttled to the interval), and stop once no chunk has committed for STUCK_MS, so a hung
 * member is still removed. A heartbeat refused because the group rebalances ends the batch
 * after the chunk in hand: the member rejoins at once instead of holding the group up.
 */
export function keepBatchAlive(payload: Pick<EachBatchPayload, 'heartbeat'>, intervalMs: number): BatchKeepAlive {
  let lastProgress = Date.now();
  let leaving = false;
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight || leaving || Date.now() - lastProgress > STUCK_MS) return;
    inFlight = true;
    payload
      .heartbeat()
      .catch(() => void (leaving = true))
      .finally(() => void (inFlight = false));
  }, intervalMs);
  timer.unref();
  return {
    progressed: () => void (lastProgress = Date.now()),
    get leaving() {
      return leaving;
    },
    stop: () => clearInterval(timer),
  };
}
