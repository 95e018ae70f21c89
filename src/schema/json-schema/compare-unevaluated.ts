import { at, type DiffRun, type RawDifference, under } from './diff-run.js';
import type { DifferenceType } from './difference-types.js';
import type { SchemaModel } from './schema-model.js';

/** unevaluatedProperties/unevaluatedItems as a schema: the 2020-12 translator leaves them among the unprocessed keywords. */
export function unevaluated(m: SchemaModel, keyword: 'unevaluatedProperties' | 'unevaluatedItems'): SchemaModel | undefined {
  const u = m.unprocessed.get(keyword);
  return u && 'schema' in u ? u.schema : undefined;
}

export const acceptsAnything = (s: SchemaModel): boolean => s.kind === 'empty' || s.kind === 'true';

/**
 * unevaluatedProperties/unevaluatedItems: absent or true leaves the content model open, false
 * closes it, and a schema opens it partially.
 */
export function compareUnevaluated(
  run: DiffRun,
  keyword: 'unevaluatedProperties' | 'unevaluatedItems',
  was: SchemaModel | undefined,
  is: SchemaModel | undefined,
  types: { added: DifferenceType; removed: DifferenceType; extended: DifferenceType; narrowed: DifferenceType },
): RawDifference[] {
  if (!was && !is) return [];
  let d: RawDifference[];
  if (!was) d = [at(is?.kind === 'false' ? types.removed : types.narrowed)];
  else if (!is) d = [at(was.kind === 'false' ? types.added : types.extended)];
  else if (was.kind === 'false' && is.kind !== 'false') d = [at(types.added)];
  else if (was.kind !== 'false' && is.kind === 'false') d = [at(types.removed)];
  else if (acceptsAnything(was) && !acceptsAnything(is)) d = [at(types.narrowed)];
  else if (!acceptsAnything(was) && acceptsAnything(is)) d = [at(types.extended)];
  else d = run.compare(was, is);
  return under([keyword], d);
}
