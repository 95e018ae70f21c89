import { createRequire } from 'node:module';

/*
 * kafkajs 2.2.4 (its last release, which streamflow pins) re-arms a timer on every connection
 * forever once a response arrived: checkPendingRequests schedules the next check whether or
 * not a request waits, at a negative delay (tulios/kafkajs#1556, #1704; the fix in #1667 was
 * never released). Idle, the dashboard's clients fired 3,600 timers a second, 3% of a core
 * before it did anything. The check is only needed while requests wait (throttled by the
 * broker, or over maxInFlightRequests; a response also triggers it), so it is scheduled only
 * then: the same behaviour as #1667.
 */

const require = createRequire(import.meta.url);
const CHECK_PENDING_REQUESTS_INTERVAL = 10; // kafkajs' own

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const RequestQueueClass: { prototype: RequestQueue } = require('kafkajs/src/network/requestQueue/index.js');
if (typeof RequestQueueClass.prototype.scheduleCheckPendingRequests !== 'function') {
  throw new Error("kafkajs' RequestQueue has no scheduleCheckPendingRequests() (streamflow needs kafkajs 2.2.x)");
}

RequestQueueClass.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue) {
  if (this.pending.length === 0 || this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL,
  );
};
