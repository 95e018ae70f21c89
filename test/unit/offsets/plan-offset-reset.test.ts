import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { type ResetFacts, offsetDelta, planOffsetReset, resetPartitions, tpKey } from '../../../src/offsets/plan-offset-reset.js';
import type { ResetMode } from '../../../src/offsets/reset-mode.js';

// p0: log 20..100, committed 50; p1: log 0..10, committed 10; p2: log 5..5 (empty), no commit.
function facts(extra: Partial<ResetFacts> = {}): ResetFacts {
  return {
    group: 'g',
    state: 'Empty',
    members: [],
    partitions: [0, 1, 2].map((partition) => ({ topic: 't', partition })),
    committed: new Map([
      [tpKey('t', 0), 50n],
      [tpKey('t', 1), 10n],
    ]),
    ranges: new Map([
      [tpKey('t', 0), { earliest: 20n, latest: 100n }],
      [tpKey('t', 1), { earliest: 0n, latest: 10n }],
      [tpKey('t', 2), { earliest: 5n, latest: 5n }],
    ]),
    ...extra,
  };
}

const targets = (mode: ResetMode, f = facts()) => planOffsetReset(mode, f).offsets.map((o) => o.target);

describe('planOffsetReset (Kafka ConsumerGroupCommand semantics)', () => {
  it('to-earliest / to-latest use the log start and end', () => {
    expect(targets({ kind: 'to-earliest' })).toEqual([20n, 0n, 5n]);
    expect(targets({ kind: 'to-latest' })).toEqual([100n, 10n, 5n]);
  });

  it('to-offset is clamped to [earliest, latest] with a note', () => {
    const plan = planOffsetReset({ kind: 'to-offset', offset: 7n }, facts());
    expect(plan.offsets.map((o) => o.target)).toEqual([20n, 7n, 5n]);
    expect(plan.offsets[0]!.note).toBe('7 is below the earliest offset; using 20');
    expect(plan.offsets[2]!.note).toBe('7 is above the latest offset; using 5');
    expect(plan.offsets[1]!.note).toBeUndefined();
    expect(plan.warnings).toEqual(['t-0: 7 is below the earliest offset; using 20', 't-2: 7 is above the latest offset; using 5']);
  });

  it('shift-by moves the committed offset, clamped both ways', () => {
    const two = facts({ partitions: [0, 1].map((partition) => ({ topic: 't', partition })) });
    expect(targets({ kind: 'shift-by', shift: -40n }, two)).toEqual([20n, 0n]);
    expect(targets({ kind: 'shift-by', shift: 5n }, two)).toEqual([55n, 10n]);
    expect(targets({ kind: 'shift-by', shift: 1000n }, two)).toEqual([100n, 10n]);
  });

  it('shift-by refuses a partition without a committed offset, as Kafka does', () => {
    expect(() => planOffsetReset({ kind: 'shift-by', shift: 1n }, facts())).toThrow(UsageError);
    expect(() => planOffsetReset({ kind: 'shift-by', shift: 1n }, facts())).toThrow(/t-2 for group g: it has no committed offset/);
  });

  it('to-datetime / by-duration take ListOffsets by timestamp and fall back to the latest offset (unclamped)', () => {
    const timestampOffsets = new Map<string, bigint | null>([
      [tpKey('t', 0), 42n],
      [tpKey('t', 1), null],
      [tpKey('t', 2), null],
    ]);
    for (const mode of [{ kind: 'to-datetime', timestampMs: 0 }, { kind: 'by-duration', durationMs: 1 }] as const) {
      const plan = planOffsetReset(mode, facts({ timestampOffsets }));
      expect(plan.offsets.map((o) => o.target)).toEqual([42n, 10n, 5n]);
      expect(plan.offsets[1]!.note).toMatch(/falling back to the latest offset 10/);
    }
  });

  it('to-current keeps committed offsets and falls back to the latest where there is none', () => {
    const plan = planOffsetReset({ kind: 'to-current' }, facts());
    expect(plan.offsets.map((o) => o.target)).toEqual([50n, 10n, 5n]);
    expect(plan.offsets.map(offsetDelta)).toEqual([0, 0, null]);
    expect(plan.offsets[2]!.note).toMatch(/no committed offset; falling back to the latest offset 5/);
  });

  it("from-file takes the group's rows, clamped", () => {
    const offsets = new Map([
      ['g', [{ topic: 't', partition: 0, offset: 1n }, { topic: 't', partition: 1, offset: 99n }, { topic: 't', partition: 2, offset: 5n }]],
      ['other', [{ topic: 't', partition: 0, offset: 30n }]],
    ]);
    expect(targets({ kind: 'from-file', offsets })).toEqual([20n, 10n, 5n]);
  });

  it('reports current, target and delta per partition', () => {
    const plan = planOffsetReset({ kind: 'to-latest' }, facts());
    expect(plan.offsets.map((o) => [o.current, o.target, offsetDelta(o)])).toEqual([
      [50n, 100n, 50],
      [10n, 10n, 0],
      [null, 5n, null],
    ]);
  });

  it('plans for an active group but says why it cannot be applied, naming the members', () => {
    const members = [
      { memberId: 'consumer-1-abc', clientId: 'payments', host: '/10.0.0.7', assignment: [] },
      { memberId: 'consumer-2-def', clientId: 'payments', host: '/10.0.0.8', assignment: [] },
    ];
    const active = planOffsetReset({ kind: 'to-latest' }, facts({ state: 'Stable', members }));
    expect(active.offsets).toHaveLength(3);
    expect(active.refusal).toBe(
      'group g has 2 active members: member consumer-1-abc (client id payments, host /10.0.0.7), member consumer-2-def (client id payments, host /10.0.0.8); stop them before resetting its offsets',
    );
    expect(planOffsetReset({ kind: 'to-latest' }, facts({ state: 'PreparingRebalance' })).refusal).toMatch(/is PreparingRebalance/);
    expect(planOffsetReset({ kind: 'to-latest' }, facts()).refusal).toBeNull();
    expect(planOffsetReset({ kind: 'to-latest' }, facts({ state: 'Dead' })).refusal).toBeNull();
  });
});

describe('resetPartitions (scope)', () => {
  const known = {
    topicPartitions: new Map([
      ['t', [0, 1, 2]],
      ['u', [0]],
    ]),
    committed: [{ topic: 'u', partition: 0 }, { topic: 't', partition: 1 }],
  };
  const refs = (r: Array<{ topic: string; partition: number }>) => r.map((x) => `${x.topic}-${x.partition}`);

  it('--topic T is every partition of T; T:p,.. only those; sorted and unique', () => {
    const scope = { kind: 'topics', topics: [{ topic: 'u', partitions: null }, { topic: 't', partitions: [2, 0] }, { topic: 't', partitions: [0] }] } as const;
    expect(refs(resetPartitions(scope, { kind: 'to-latest' }, 'g', known))).toEqual(['t-0', 't-2', 'u-0']);
  });

  it('--all-topics is what the group committed to', () => {
    expect(refs(resetPartitions({ kind: 'all-topics' }, { kind: 'to-latest' }, 'g', known))).toEqual(['t-1', 'u-0']);
  });

  it("--from-file is the group's rows, optionally narrowed by --topic", () => {
    const mode = { kind: 'from-file', offsets: new Map([['g', [{ topic: 't', partition: 2, offset: 1n }, { topic: 'u', partition: 0, offset: 1n }]]]) } as const;
    expect(refs(resetPartitions({ kind: 'file' }, mode, 'g', known))).toEqual(['t-2', 'u-0']);
    expect(refs(resetPartitions({ kind: 'file' }, mode, 'g', known, [{ topic: 'u', partitions: null }]))).toEqual(['u-0']);
    expect(resetPartitions({ kind: 'file' }, mode, 'absent', known)).toEqual([]);
  });

  it('refuses partitions that do not exist', () => {
    expect(() => resetPartitions({ kind: 'topics', topics: [{ topic: 't', partitions: [7] }] }, { kind: 'to-latest' }, 'g', known)).toThrow('the partitions t-7 do not exist');
  });
});
