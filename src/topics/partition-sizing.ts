/**
 * How many partitions a keyed topic needs. Partitions cap consumer parallelism (one
 * partition feeds at most one consumer in a group) and can only be added later at the
 * price of re-homing keys, so the count is sized for the grown peak up front.
 */

/**
 * Records/s one partition is planned to take. Conservative on purpose: one partition is one
 * leader's disk and network path and one consumer thread; 5,000 records/s is ~5 MB/s at
 * 1 KB checkout events, half the ~10 MB/s often quoted per partition.
 */
export const DEFAULT_PER_PARTITION_PER_SEC = 5_000;
/** Plan for peak × growth × 1.5 so consumers run at most ~2/3 busy and can catch up after an outage. */
export const DEFAULT_HEADROOM = 1.5;
/**
 * Counts with many divisors, so common consumer counts get equal shares. 12 is the floor:
 * cheap on any cluster, and the group can scale to 12 consumers before anyone has to add
 * partitions (which re-homes keys).
 */
export const NICE_PARTITION_COUNTS = [12, 24, 36, 48, 60, 72, 96, 120, 144, 180, 240, 360, 480, 720] as const;

export interface PartitionPlanInput {
  /** Today's peak, records/s. */
  peakPerSec: number;
  /** What one consumer instance sustains, records/s (measure it; don't guess). */
  perConsumerPerSec: number;
  perPartitionPerSec?: number;
  /** How much the peak grows over the planning horizon; 3 = triples. Default 1. */
  growthFactor?: number;
  /** Length of that horizon, only to show the yearly growth rate it implies. */
  years?: number;
  headroom?: number;
}

export interface PartitionPlanFigures {
  peakPerSec: number;
  growthFactor: number;
  grownPeakPerSec: number;
  headroom: number;
  designPerSec: number;
  perConsumerPerSec: number;
  perPartitionPerSec: number;
  /** ceil(grown peak / per consumer): consumers busy 100% at the grown peak. */
  requiredParallelism: number;
  /** ceil(design / per consumer): consumers needed at the grown peak with headroom. */
  consumers: number;
  /** ceil(design / per partition). */
  partitionsForThroughput: number;
  minimumPartitions: number;
  partitions: number;
  /** Smallest divisor of `partitions` ≥ `consumers`: run this many so every consumer gets the same share. */
  balancedConsumers: number;
  /** Records/s each balanced consumer handles at the design load. */
  perConsumerLoadPerSec: number;
  /** Consumption ceiling with one consumer per partition. */
  maxThroughputPerSec: number;
}

export interface PartitionPlan {
  partitions: number;
  reasoning: string[];
  figures: PartitionPlanFigures;
}

export function planPartitions(input: PartitionPlanInput): PartitionPlan {
  const peakPerSec = positive('peakPerSec', input.peakPerSec);
  const perConsumerPerSec = positive('perConsumerPerSec', input.perConsumerPerSec);
  const perPartitionPerSec = positive('perPartitionPerSec', input.perPartitionPerSec ?? DEFAULT_PER_PARTITION_PER_SEC);
  const growthFactor = atLeastOne('growthFactor', input.growthFactor ?? 1);
  const headroom = atLeastOne('headroom', input.headroom ?? DEFAULT_HEADROOM);

  const grownPeakPerSec = peakPerSec * growthFactor;
  const designPerSec = grownPeakPerSec * headroom;
  const requiredParallelism = ceilRatio(grownPeakPerSec, perConsumerPerSec);
  const consumers = ceilRatio(designPerSec, perConsumerPerSec);
  const partitionsForThroughput = ceilRatio(designPerSec, perPartitionPerSec);
  const minimumPartitions = Math.max(consumers, partitionsForThroughput);
  const nice = NICE_PARTITION_COUNTS.find((p) => p >= minimumPartitions);
  // Past the list, a multiple of the consumer count still gives equal shares.
  const partitions = nice ?? Math.ceil(minimumPartitions / consumers) * consumers;
  const evenSplits = divisors(partitions);
  // partitions ≥ consumers, so partitions itself always qualifies.
  const balancedConsumers = evenSplits.find((d) => d >= consumers)!;
  const perConsumerLoadPerSec = designPerSec / balancedConsumers;

  const figures: PartitionPlanFigures = {
    peakPerSec,
    growthFactor,
    grownPeakPerSec,
    headroom,
    designPerSec,
    perConsumerPerSec,
    perPartitionPerSec,
    requiredParallelism,
    consumers,
    partitionsForThroughput,
    minimumPartitions,
    partitions,
    balancedConsumers,
    perConsumerLoadPerSec,
    maxThroughputPerSec: partitions * Math.min(perConsumerPerSec, perPartitionPerSec),
  };

  const yearly = input.years !== undefined ? `, ${pct(growthFactor ** (1 / positive('years', input.years)) - 1)}/year over ${input.years} years` : '';
  const reasoning = [
    `Peak ${rate(peakPerSec)} × growth ${growthFactor}x = ${rate(grownPeakPerSec)}${yearly}.`,
    `Required parallelism: ceil(${rate(grownPeakPerSec)} / ${rate(perConsumerPerSec)} per consumer) = ${requiredParallelism} consumers at 100% busy.`,
    `Headroom ${headroom}x (consumers at most ${pct(1 / headroom)} busy, room to catch up after an outage): design load ${rate(designPerSec)} → ${consumers} consumers.`,
    `Per-partition limit ${rate(perPartitionPerSec)}${input.perPartitionPerSec === undefined ? ' (default, conservative: ~5 MB/s at 1 KB records)' : ''}: ceil(${rate(designPerSec)} / ${rate(perPartitionPerSec)}) = ${partitionsForThroughput} partitions.`,
    `Minimum: max(${consumers}, ${partitionsForThroughput}) = ${minimumPartitions} partitions.`,
    nice
      ? `Rounded up to ${partitions}, the first of ${NICE_PARTITION_COUNTS.slice(0, 4).join(', ')}, … ≥ ${minimumPartitions}: it splits evenly among ${evenSplits.join(', ')} consumers.`
      : `${partitions} is past the usual counts (up to ${NICE_PARTITION_COUNTS.at(-1)}), rounded to a multiple of ${consumers} consumers; consider splitting the stream into several topics.`,
    `Run ${balancedConsumers} consumers: ${partitions / balancedConsumers} partition${partitions === balancedConsumers ? '' : 's'} each, ${rate(perConsumerLoadPerSec)} each at the design load.`,
    `Ceiling: ${partitions} consumers (one per partition) handle up to ${rate(figures.maxThroughputPerSec)}; more consumers than partitions sit idle.`,
    'Why not more: every partition costs broker file handles and memory (segment and index files per replica), lengthens leader elections after a broker failure and consumer-group rebalances, takes a producer batch buffer (batch.size each, within buffer.memory), and thins batches and fetches, which adds end-to-end latency at low volume.',
    'Adding partitions later is possible but irreversible and re-homes keys (see the remap impact), so size for the horizon now.',
  ];
  return { partitions, reasoning, figures };
}

/** ceil(a / b), ignoring float noise: 100000/min is 1666.66…/s, and ×3 must give 5000, not 5000.000001. */
function ceilRatio(a: number, b: number): number {
  return Math.ceil(a / b - 1e-9);
}

function divisors(n: number): number[] {
  const result: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) result.push(d);
  return result;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

function atLeastOne(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be a number ≥ 1, got ${String(value)}`);
  return value;
}

function rate(perSec: number): string {
  return `${perSec.toLocaleString('en-US', { maximumFractionDigits: 1 })}/s`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}
