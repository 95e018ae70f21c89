import { acceptsAnything, compareUnevaluated, unevaluated } from './compare-unevaluated.js';
import { at, compareLimit, type DiffRun, type RawDifference, under } from './diff-run.js';
import { matchesPattern } from './patterns.js';
import type { ObjectModel, SchemaModel } from './schema-model.js';

const KEYWORD = 'unevaluatedProperties';

/**
 * Two object schemas. Whether a property may be added or removed depends on the content model
 * of the side that lacks it: open (any extra property is accepted), partially open (extra
 * properties must match patternProperties, additionalProperties or unevaluatedProperties), or
 * closed.
 */
export function compareObjects(run: DiffRun, o: ObjectModel, u: ObjectModel): RawDifference[] {
  return [
    ...compareRequired(o, u),
    ...compareProperties(run, o, u),
    ...compareDependencies(run, o, u),
    ...under(['additionalProperties'], compareAdditional(run, o, u)),
    ...compareUnevaluated(run, KEYWORD, unevaluated(o, KEYWORD), unevaluated(u, KEYWORD), {
      added: 'UNEVALUATED_PROPERTIES_ADDED',
      removed: 'UNEVALUATED_PROPERTIES_REMOVED',
      extended: 'UNEVALUATED_PROPERTIES_EXTENDED',
      narrowed: 'UNEVALUATED_PROPERTIES_NARROWED',
    }),
    ...compareLimit('maxProperties', o.maxProperties, u.maxProperties, [
      'MAX_PROPERTIES_ADDED', 'MAX_PROPERTIES_REMOVED', 'MAX_PROPERTIES_INCREASED', 'MAX_PROPERTIES_DECREASED',
    ]),
    ...compareLimit('minProperties', o.minProperties, u.minProperties, [
      'MIN_PROPERTIES_ADDED', 'MIN_PROPERTIES_REMOVED', 'MIN_PROPERTIES_INCREASED', 'MIN_PROPERTIES_DECREASED',
    ]),
  ];
}

/** Properties both sides declare that became, or stopped being, required. */
function compareRequired(o: ObjectModel, u: ObjectModel): RawDifference[] {
  const out: RawDifference[] = [];
  for (const name of o.properties.keys()) {
    const updated = u.properties.get(name);
    if (!updated) continue;
    const was = o.required.includes(name);
    const is = u.required.includes(name);
    if (was && !is) out.push(at('REQUIRED_ATTRIBUTE_REMOVED', 'required', name));
    else if (!was && is) {
      out.push(at(updated.hasDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', 'required', name));
    }
  }
  return out;
}

function compareProperties(run: DiffRun, o: ObjectModel, u: ObjectModel): RawDifference[] {
  const out: RawDifference[] = [];
  for (const name of new Set([...o.properties.keys(), ...u.properties.keys()])) {
    const path = ['properties', name];
    const was = o.properties.get(name);
    const is = u.properties.get(name);
    if (was && is) out.push(...under(path, run.compare(was, is)));
    else if (was) out.push(...under(path, removedProperty(run, was, u, name)));
    else if (is) out.push(...under(path, addedProperty(run, is, o, u, name)));
  }
  return out;
}

/** A property only the original declares; the update's content model decides. */
function removedProperty(run: DiffRun, was: SchemaModel, u: ObjectModel, name: string): RawDifference[] {
  if (isOpen(u)) return [at('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL')];
  const cover = partialSchema(u, name);
  if (cover) {
    const d = run.compare(was, cover);
    const type = run.compatible(d) ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL';
    return [...d, at(type)];
  }
  return [at(was.kind === 'false' ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL')];
}

/** A property only the update declares; the original's content model decides. */
function addedProperty(run: DiffRun, is: SchemaModel, o: ObjectModel, u: ObjectModel, name: string): RawDifference[] {
  const required = u.required.includes(name);
  if (isOpen(o)) {
    if (acceptsAnything(is)) return [at('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL')];
    if (!required) return [at('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL')];
    return [at(is.hasDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL')];
  }
  const out: RawDifference[] = [];
  const cover = partialSchema(o, name);
  if (cover) {
    const d = run.compare(cover, is);
    out.push(...d, at(run.compatible(d) ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'));
  }
  if (!required) out.push(at('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'));
  else {
    out.push(at(is.hasDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'));
  }
  return out;
}

function compareDependencies(run: DiffRun, o: ObjectModel, u: ObjectModel): RawDifference[] {
  const out: RawDifference[] = [];
  for (const name of new Set([...o.propertyDependencies.keys(), ...u.propertyDependencies.keys()])) {
    const was = o.propertyDependencies.get(name);
    const is = u.propertyDependencies.get(name);
    const covers = (a: Set<string>, b: Set<string>) => [...b].every((p) => a.has(p));
    if (!is) out.push(at('DEPENDENCY_ARRAY_REMOVED', 'dependencies', name));
    else if (!was) out.push(at('DEPENDENCY_ARRAY_ADDED', 'dependencies', name));
    else if (!covers(was, is) || !covers(is, was)) {
      const type = covers(is, was) ? 'DEPENDENCY_ARRAY_EXTENDED' : covers(was, is) ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED';
      out.push(at(type, 'dependencies', name));
    }
  }
  for (const name of new Set([...o.schemaDependencies.keys(), ...u.schemaDependencies.keys()])) {
    const was = o.schemaDependencies.get(name);
    const is = u.schemaDependencies.get(name);
    if (!is) out.push(at('DEPENDENCY_SCHEMA_REMOVED', 'dependencies', name));
    else if (!was) out.push(at('DEPENDENCY_SCHEMA_ADDED', 'dependencies', name));
    else out.push(...under(['dependencies', name], run.compare(was, is)));
  }
  return out;
}

function compareAdditional(run: DiffRun, o: ObjectModel, u: ObjectModel): RawDifference[] {
  if (o.permitsAdditionalProperties !== u.permitsAdditionalProperties) {
    return [at(u.permitsAdditionalProperties ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED')];
  }
  if (!o.additionalPropertiesSchema && u.additionalPropertiesSchema) return [at('ADDITIONAL_PROPERTIES_NARROWED')];
  if (o.additionalPropertiesSchema && !u.additionalPropertiesSchema) return [at('ADDITIONAL_PROPERTIES_EXTENDED')];
  return run.compare(o.additionalPropertiesSchema, u.additionalPropertiesSchema);
}

/** Open: additionalProperties absent or true, no patternProperties, unevaluatedProperties absent or true. */
function isOpen(m: ObjectModel): boolean {
  if (!m.permitsAdditionalProperties || m.additionalPropertiesSchema || m.patternProperties.size > 0) return false;
  const rest = unevaluated(m, KEYWORD);
  return !rest || acceptsAnything(rest);
}

/** The schema a partially open object holds an undeclared property to, if any. */
function partialSchema(m: ObjectModel, name: string): SchemaModel | undefined {
  for (const [pattern, schema] of m.patternProperties) if (matchesPattern(pattern, name)) return schema;
  if (m.additionalPropertiesSchema) return m.additionalPropertiesSchema;
  if (!m.permitsAdditionalProperties) return undefined;
  const rest = unevaluated(m, KEYWORD);
  return rest && rest.kind !== 'false' && !acceptsAnything(rest) ? rest : undefined;
}
