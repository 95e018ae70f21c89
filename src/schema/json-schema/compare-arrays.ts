import { acceptsAnything, compareUnevaluated, unevaluated } from './compare-unevaluated.js';
import { at, compareLimit, type DiffRun, type RawDifference, under } from './diff-run.js';
import type { ArrayModel, SchemaModel } from './schema-model.js';

const KEYWORD = 'unevaluatedItems';

/**
 * Two array schemas. Tuple items (draft-07 `items` arrays, 2020-12 `prefixItems`) are compared
 * by position; an item one side lacks is judged by the other side's content model for items past
 * its tuple: open, partially open (a schema for them) or closed.
 */
export function compareArrays(run: DiffRun, o: ArrayModel, u: ArrayModel): RawDifference[] {
  return [
    ...under(['items'], run.compare(o.allItems, u.allItems)),
    ...compareTuples(run, o, u),
    ...under(['additionalItems'], compareAdditional(run, o, u)),
    ...compareUnevaluated(run, KEYWORD, unevaluated(o, KEYWORD), unevaluated(u, KEYWORD), {
      added: 'UNEVALUATED_ITEMS_ADDED',
      removed: 'UNEVALUATED_ITEMS_REMOVED',
      extended: 'UNEVALUATED_ITEMS_EXTENDED',
      narrowed: 'UNEVALUATED_ITEMS_NARROWED',
    }),
    ...compareLimit('maxItems', o.maxItems, u.maxItems, ['MAX_ITEMS_ADDED', 'MAX_ITEMS_REMOVED', 'MAX_ITEMS_INCREASED', 'MAX_ITEMS_DECREASED']),
    ...compareLimit('minItems', o.minItems, u.minItems, ['MIN_ITEMS_ADDED', 'MIN_ITEMS_REMOVED', 'MIN_ITEMS_INCREASED', 'MIN_ITEMS_DECREASED']),
    ...(o.uniqueItems === u.uniqueItems ? [] : [at(o.uniqueItems ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED', 'uniqueItems')]),
    ...compareLimit('maxContains', containsLimit(o, 'maxContains'), containsLimit(u, 'maxContains'), [
      'MAX_CONTAINS_ADDED', 'MAX_CONTAINS_REMOVED', 'MAX_CONTAINS_INCREASED', 'MAX_CONTAINS_DECREASED',
    ]),
    ...compareLimit('minContains', containsLimit(o, 'minContains'), containsLimit(u, 'minContains'), [
      'MIN_CONTAINS_ADDED', 'MIN_CONTAINS_REMOVED', 'MIN_CONTAINS_INCREASED', 'MIN_CONTAINS_DECREASED',
    ]),
  ];
}

function compareTuples(run: DiffRun, o: ArrayModel, u: ArrayModel): RawDifference[] {
  const was = o.itemSchemas ?? [];
  const is = u.itemSchemas ?? [];
  const out: RawDifference[] = [];
  for (let i = 0; i < Math.max(was.length, is.length); i++) {
    const [a, b] = [was[i], is[i]];
    const d = a && b ? run.compare(a, b) : a ? removedItem(run, a, u) : b ? addedItem(run, b, o) : [];
    out.push(...under(['items', String(i)], d));
  }
  return out;
}

function removedItem(run: DiffRun, was: SchemaModel, u: ArrayModel): RawDifference[] {
  if (isOpen(u)) return [at('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL')];
  const cover = partialSchema(u);
  if (cover) {
    const d = run.compare(was, cover);
    return [...d, at(run.compatible(d) ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL')];
  }
  return [at(was.kind === 'false' ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL')];
}

function addedItem(run: DiffRun, is: SchemaModel, o: ArrayModel): RawDifference[] {
  if (isOpen(o)) {
    return [at(acceptsAnything(is) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL')];
  }
  const cover = partialSchema(o);
  if (!cover) return [at('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL')];
  const d = run.compare(cover, is);
  return [...d, at(run.compatible(d) ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL')];
}

function compareAdditional(run: DiffRun, o: ArrayModel, u: ArrayModel): RawDifference[] {
  if (o.permitsAdditionalItems !== u.permitsAdditionalItems) {
    return [at(o.permitsAdditionalItems ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED')];
  }
  if (!o.additionalItemsSchema && u.additionalItemsSchema) return [at('ADDITIONAL_ITEMS_NARROWED')];
  if (o.additionalItemsSchema && !u.additionalItemsSchema) return [at('ADDITIONAL_ITEMS_EXTENDED')];
  return run.compare(o.additionalItemsSchema, u.additionalItemsSchema);
}

/** minContains/maxContains, which the registry reads from the array schema's unprocessed keywords. */
function containsLimit(m: ArrayModel, keyword: string): number | undefined {
  const u = m.unprocessed.get(keyword);
  return u && 'json' in u && typeof u.json === 'number' ? Math.trunc(u.json) : undefined;
}

/** Open for items past the tuple: additionalItems absent or true, unevaluatedItems absent or true. */
function isOpen(m: ArrayModel): boolean {
  if (!m.permitsAdditionalItems || m.additionalItemsSchema) return false;
  const rest = unevaluated(m, KEYWORD);
  return !rest || acceptsAnything(rest);
}

function partialSchema(m: ArrayModel): SchemaModel | undefined {
  if (m.additionalItemsSchema) return m.additionalItemsSchema;
  if (!m.permitsAdditionalItems) return undefined;
  const rest = unevaluated(m, KEYWORD);
  return rest && rest.kind !== 'false' && !acceptsAnything(rest) ? rest : undefined;
}
