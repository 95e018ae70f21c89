import type { DifferenceType } from './difference-types.js';
import type { SchemaModel } from './schema-model.js';

/** A difference found comparing two schemas, its path relative to them (segments under `#/`). */
export interface RawDifference {
  readonly type: DifferenceType;
  readonly path: readonly string[];
}

type PairMap = Map<SchemaModel, Map<SchemaModel, RawDifference[]>>;
type PairComparer = (run: DiffRun, original: SchemaModel, update: SchemaModel) => RawDifference[];

/**
 * One pass over a pair of schema graphs. Each (original, update) pair is compared once and its
 * differences reused wherever the pair recurs, which keeps unions of mutually referring
 * definitions polynomial. A pair met again while it is still being compared is a recursive cycle:
 * it counts as compatible unless an earlier pass found it incompatible (`seed`).
 */
export class DiffRun {
  private readonly memo: PairMap = new Map();
  private readonly active = new Map<SchemaModel, Set<SchemaModel>>();
  /** Whether some cycle was assumed compatible, so the result may rest on that assumption. */
  assumedCycle = false;

  constructor(
    readonly compatibleTypes: ReadonlySet<DifferenceType>,
    private readonly seed: PairMap,
    private readonly comparePair: PairComparer,
  ) {}

  /** The differences between two schemas, either of which may be absent. */
  compare(original: SchemaModel | undefined, update: SchemaModel | undefined): RawDifference[] {
    if (!original && !update) return [];
    if (!original) return [at('SCHEMA_ADDED')];
    if (!update) return [at('SCHEMA_REMOVED')];
    // Like the registry, follow one reference: a $ref to a definition that is itself only a $ref stays a reference.
    const o = original.kind === 'ref' ? original.target() : original;
    const u = update.kind === 'ref' ? update.target() : update;
    const cached = this.memo.get(o)?.get(u);
    if (cached) return cached;
    const active = this.active.get(o) ?? new Set<SchemaModel>();
    if (active.has(u)) {
      const seeded = this.seed.get(o)?.get(u);
      if (seeded) return seeded;
      this.assumedCycle = true;
      return [];
    }
    this.active.set(o, active.add(u));
    try {
      const result = this.comparePair(this, o, u);
      let byUpdate = this.memo.get(o);
      if (!byUpdate) this.memo.set(o, (byUpdate = new Map()));
      byUpdate.set(u, result);
      return result;
    } finally {
      active.delete(u);
    }
  }

  compatible(differences: readonly RawDifference[]): boolean {
    return differences.every((d) => this.compatibleTypes.has(d.type));
  }

  /** The compared pairs found incompatible in this pass. */
  incompatiblePairs(): PairMap {
    const found: PairMap = new Map();
    for (const [o, byUpdate] of this.memo) {
      for (const [u, differences] of byUpdate) {
        if (this.compatible(differences)) continue;
        let m = found.get(o);
        if (!m) found.set(o, (m = new Map()));
        m.set(u, differences);
      }
    }
    return found;
  }
}

/**
 * Compares to a fixpoint: a pass that assumed a cycle compatible is repeated with the pairs it
 * found incompatible fed back in, until that set stops growing, so a memoized result never hides
 * an incompatibility behind a cycle.
 */
export function diffToFixpoint(
  original: SchemaModel,
  update: SchemaModel,
  compatibleTypes: ReadonlySet<DifferenceType>,
  comparePair: PairComparer,
): RawDifference[] {
  let seed: PairMap = new Map();
  for (;;) {
    const run = new DiffRun(compatibleTypes, seed, comparePair);
    const differences = run.compare(original, update);
    const incompatible = run.incompatiblePairs();
    if (!run.assumedCycle || samePairs(incompatible, seed)) return differences;
    seed = incompatible;
  }
}

function samePairs(a: PairMap, b: PairMap): boolean {
  const count = (m: PairMap) => [...m.values()].reduce((n, byUpdate) => n + byUpdate.size, 0);
  if (count(a) !== count(b)) return false;
  for (const [o, byUpdate] of a) for (const u of byUpdate.keys()) if (!b.get(o)?.has(u)) return false;
  return true;
}

/** A difference at the schema being compared, or at a keyword under it. */
export function at(type: DifferenceType, ...path: string[]): RawDifference {
  return { type, path };
}

/** Differences of a subschema, moved under its place in the parent. */
export function under(path: readonly string[], differences: readonly RawDifference[]): RawDifference[] {
  return differences.map((d) => ({ type: d.type, path: [...path, ...d.path] }));
}

/** The four outcomes of comparing an optional numeric limit (maxLength, minItems, ...). */
export function compareLimit(
  keyword: string,
  original: number | undefined,
  update: number | undefined,
  types: readonly [added: DifferenceType, removed: DifferenceType, increased: DifferenceType, decreased: DifferenceType],
): RawDifference[] {
  if (original === update) return [];
  if (original === undefined) return [at(types[0], keyword)];
  if (update === undefined) return [at(types[1], keyword)];
  if (original < update) return [at(types[2], keyword)];
  return original > update ? [at(types[3], keyword)] : [];
}
