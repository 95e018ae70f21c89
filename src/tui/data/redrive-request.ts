import { MAX_REDRIVES, REDRIVE_RATE_PER_SEC } from '../../dlq/dlq-defaults.js';
import type { RedriveRequest } from '../../dlq/redrive-job.js';
import { defaultParkingTopic, redriveJobId } from '../../dlq/redrive-plan.js';
import type { RedriveSelection } from '../state/dlq-state.js';

/**
 * The job `dlq redrive TOPIC --execute` runs, with the command's defaults (rate, max redrives):
 * the whole DLQ under the command's default job id (so either resumes the other's checkpoint),
 * or hand-picked records under a job id of their own.
 */
export function redriveRequestOf(selection: RedriveSelection, signal: AbortSignal): RedriveRequest {
  const defaults = { topic: selection.topic, filters: [], maxRedrives: MAX_REDRIVES, parkingTopic: defaultParkingTopic(selection.topic), ratePerSec: REDRIVE_RATE_PER_SEC, signal };
  if (selection.all) return { ...defaults, jobId: redriveJobId(selection.topic, undefined, []) };
  const picked = new Set(selection.keys);
  return {
    ...defaults,
    jobId: redriveJobId(selection.topic, undefined, [`picked=${[...picked].sort().join(',')}`]),
    select: (r) => picked.has(`${r.partition}/${r.offset}`),
  };
}
