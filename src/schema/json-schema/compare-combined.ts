import { at, type DiffRun, type RawDifference, under } from './diff-run.js';
import type { DifferenceType } from './difference-types.js';
import { maximumMatching } from './maximum-matching.js';
import { type CombinedModel, type SchemaModel, schemaKey } from './schema-model.js';

/**
 * Two allOf/anyOf/oneOf schemas: the criterion may only become more permissive, and the
 * subschemas (duplicates collapsed) must pair up compatibly, each with a different partner, at
 * least as far as the smaller side reaches. The paired subschemas' differences are reported under
 * the original's `criterion/index`.
 */
export function compareCombined(run: DiffRun, original: CombinedModel, update: CombinedModel): RawDifference[] {
  const out: RawDifference[] = [];
  const criterionChange = compareCriteria(original, update);
  if (criterionChange) out.push(at(criterionChange));
  if (criterionChange === 'COMBINED_TYPE_CHANGED') return out;

  const originals = distinct(original.subschemas);
  const updates = distinct(update.subschemas);
  if (originals.length < updates.length) {
    out.push(at(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED'));
  } else if (originals.length > updates.length) {
    out.push(at(original.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED'));
  }

  const compatible = originals.map((o, i) =>
    updates.map((u) => {
      const d = run.compare(o, u);
      return run.compatible(d) ? under([original.criterion, String(i)], d) : undefined;
    }),
  );
  const edges = compatible.map((row) => row.flatMap((d, j) => (d ? [j] : [])));
  const match = maximumMatching(edges, updates.length);
  let matched = 0;
  match.forEach((j, i) => {
    if (j === -1) return;
    matched++;
    out.push(...(compatible[i]?.[j] ?? []));
  });
  if (matched < Math.min(originals.length, updates.length)) out.push(at('COMBINED_TYPE_SUBSCHEMAS_CHANGED'));
  return out;
}

function compareCriteria(original: CombinedModel, update: CombinedModel): DifferenceType | undefined {
  const [from, to] = [original.criterion, update.criterion];
  if (from === to) return undefined;
  const single = (m: CombinedModel) => m.subschemas.length === 1;
  const extended =
    to === 'anyOf' ||
    (single(original) && single(update)) ||
    (single(original) && to === 'oneOf') ||
    (single(update) && from === 'allOf');
  return extended ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED';
}

function distinct(schemas: readonly SchemaModel[]): SchemaModel[] {
  const seen = new Set<string>();
  return schemas.filter((s) => {
    const key = schemaKey(s);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
