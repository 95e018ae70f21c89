import { ReferenceLoader } from './load-reference.js';
import { isObject } from './schema-documents.js';
import {
  arrayModel,
  booleanModel,
  combinedModel,
  type CombinedModel,
  conditionalModel,
  constModel,
  copyModel,
  type Criterion,
  emptyModel,
  enumModel,
  falseModel,
  notModel,
  nullModel,
  numberModel,
  objectModel,
  type SchemaModel,
  stringModel,
  trueModel,
} from './schema-model.js';

type Json = Record<string, unknown>;

/** Keywords json-sKema knows; any other key of a schema object is kept as unprocessed. */
const KNOWN_KEYWORDS: ReadonlySet<string> = new Set([
  '$id', '$anchor', '$dynamicRef', '$dynamicAnchor', '$ref', '$defs', '$schema', '$vocabulary', 'minLength',
  'maxLength', 'allOf', 'anyOf', 'oneOf', 'additionalProperties', 'properties', 'patternProperties', 'title',
  'description', 'readOnly', 'writeOnly', 'deprecated', 'default', 'enum', 'const', 'false', 'true', 'type', 'not',
  'required', 'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf', 'uniqueItems', 'items',
  'prefixItems', 'contains', 'minContains', 'maxContains', 'if', 'then', 'else', 'dependentSchemas',
  'dependentRequired', 'unevaluatedItems', 'unevaluatedProperties', 'minItems', 'maxItems', 'minProperties',
  'maxProperties', 'propertyNames', 'pattern', 'format',
]);

/** Where a keyword's schema is being combined with its neighbours: in one schema object, or in allOf/anyOf/oneOf. */
type Parent = 'object' | Criterion;

/**
 * Draft 2020-12, shaped as the registry shapes it: json-sKema loads each keyword of a schema
 * object as its own schema, and the registry's SchemaTranslator folds them, in document order,
 * into everit's model. Keywords of one type merge into one schema of that type; other neighbours
 * end up in a generated allOf, unwrapped when it holds one schema (none: the empty schema).
 * `$id` is not carried over, so it is never reported as changed.
 */
export class Draft2020Loader extends ReferenceLoader {
  load(json: unknown): SchemaModel {
    if (typeof json === 'boolean') return json ? trueModel() : falseModel();
    const o = json as Json;
    let product: SchemaModel | undefined;
    const add = (next: SchemaModel | undefined) => {
      if (next) product = product ? join('object', product, next) : next;
    };
    for (const [key, value] of Object.entries(o)) add(this.keyword(o, key, value));
    // json-sKema loads $defs even when nothing uses them, so a broken $ref there fails the parse.
    if (isObject(o.$defs)) Object.values(o.$defs).forEach((s) => this.load(s));
    product ??= generatedAllOf([]);

    if (isObject(o.properties) && Object.keys(o.properties).length > 0) {
      const props = objectModel(false);
      for (const [name, s] of Object.entries(o.properties)) props.properties.set(name, this.load(s));
      product = join('object', product, props);
    }
    if (isObject(o.patternProperties) && Object.keys(o.patternProperties).length > 0) {
      const patterns = objectModel(false);
      for (const [pattern, s] of Object.entries(o.patternProperties)) patterns.patternProperties.set(pattern, this.load(s));
      product = join('object', product, patterns);
    }
    if (o.unevaluatedItems !== undefined) {
      const a = arrayModel(false);
      a.unprocessed.set('unevaluatedItems', { schema: this.load(o.unevaluatedItems) });
      product = join('object', product, a);
    }
    if (o.unevaluatedProperties !== undefined) {
      const p = objectModel(false);
      p.unprocessed.set('unevaluatedProperties', { schema: this.load(o.unevaluatedProperties) });
      product = join('object', product, p);
    }

    let schema: SchemaModel = product;
    if (isGenerated(schema, 'allOf') && schema.subschemas.length <= 1) {
      const only = schema.subschemas[0];
      schema = only ? copyModel(only) : emptyModel();
    }
    if (typeof o.title === 'string') schema.title = o.title;
    if (typeof o.description === 'string') schema.description = o.description;
    // A null default is no default to the translator.
    if (o.default !== undefined && o.default !== null) {
      schema.hasDefault = true;
      schema.defaultValue = o.default;
    }
    // The object's own unknown keywords (and $defs) replace what its keywords left unprocessed.
    const unknown = Object.entries(o).filter(
      ([k, v]) => !KNOWN_KEYWORDS.has(k) || (k === '$defs' && isObject(v) && Object.keys(v).length > 0),
    );
    if (unknown.length > 0) schema.unprocessed = new Map(unknown.map(([k, v]) => [k, { json: v }]));
    return schema;
  }

  /** The schema one keyword contributes, or nothing (annotations and keywords read by a neighbour). */
  private keyword(o: Json, key: string, value: unknown): SchemaModel | undefined {
    switch (key) {
      case '$ref':
        return this.reference(o, value as string);
      case 'type':
        return Array.isArray(value) ? generatedAnyOf(value.map((t) => typeSchema(t as string))) : typeSchema(value as string);
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        return (value as unknown[]).reduce<SchemaModel>((acc, s) => join(key, acc, this.load(s)), combinedModel(key, []));
      case 'not':
        return notModel(this.load(value));
      case 'enum':
        return enumModel(value as unknown[]);
      case 'const':
        return constModel(value);
      case 'minLength':
      case 'maxLength':
        return Object.assign(stringModel(false), { [key]: value as number });
      case 'pattern':
        return Object.assign(stringModel(false), { pattern: value as string });
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'multipleOf':
        return Object.assign(numberModel(false), { [key]: value as number });
      case 'minItems':
      case 'maxItems':
        return Object.assign(arrayModel(false), { [key]: value as number });
      case 'uniqueItems':
        return Object.assign(arrayModel(false), { uniqueItems: value === true });
      case 'items':
        return this.items(o, value);
      case 'prefixItems':
        return Object.assign(arrayModel(false), { itemSchemas: (value as unknown[]).map((s) => this.load(s)) });
      case 'contains': {
        const a = Object.assign(arrayModel(false), { contains: this.load(value) });
        a.unprocessed.set('minContains', { json: typeof o.minContains === 'number' ? o.minContains : 1 });
        if (typeof o.maxContains === 'number') a.unprocessed.set('maxContains', { json: o.maxContains });
        return a;
      }
      case 'required':
        return Object.assign(objectModel(false), { required: [...(value as string[])] });
      case 'additionalProperties': {
        const s = this.load(value);
        const m = objectModel(false);
        if (s.kind === 'false') m.permitsAdditionalProperties = false;
        else if (s.kind !== 'true') m.additionalPropertiesSchema = s;
        return m;
      }
      case 'minProperties':
      case 'maxProperties':
        return Object.assign(objectModel(false), { [key]: value as number });
      case 'dependentRequired': {
        const m = objectModel(false);
        for (const [name, deps] of Object.entries(value as Json)) m.propertyDependencies.set(name, new Set(deps as string[]));
        return m;
      }
      case 'dependentSchemas': {
        const m = objectModel(false);
        for (const [name, s] of Object.entries(value as Json)) m.schemaDependencies.set(name, this.load(s));
        return m;
      }
      case 'propertyNames':
        return Object.assign(objectModel(false), { propertyNames: this.load(value) });
      case 'if': {
        const c = conditionalModel();
        c.ifSchema = this.load(value);
        if (o.then !== undefined) c.thenSchema = this.load(o.then);
        if (o.else !== undefined) c.elseSchema = this.load(o.else);
        return c;
      }
      // Validated but not translated: they still take part in the folding, as an empty generated allOf.
      case 'format':
        return generatedAllOf([]);
      case 'readOnly':
      case 'writeOnly':
        return value === true ? generatedAllOf([]) : undefined;
      default:
        return undefined;
    }
  }

  private items(o: Json, value: unknown): SchemaModel {
    const s = this.load(value);
    const a = arrayModel(false);
    if (s.kind === 'false') a.permitsAdditionalItems = false;
    else if (s.kind !== 'true') {
      if (Array.isArray(o.prefixItems) && o.prefixItems.length > 0) a.additionalItemsSchema = s;
      else a.allItems = s;
    }
    return a;
  }
}

function typeSchema(type: string): SchemaModel {
  switch (type) {
    case 'string':
      return stringModel(true);
    case 'integer':
      return numberModel(true, true);
    case 'number':
      return numberModel(true);
    case 'boolean':
      return booleanModel();
    case 'null':
      return nullModel();
    case 'array':
      return arrayModel(true);
    default:
      return objectModel(true);
  }
}

const generatedAllOf = (subschemas: SchemaModel[]) => combinedModel('allOf', subschemas, true);
const generatedAnyOf = (subschemas: SchemaModel[]) => combinedModel('anyOf', subschemas, true);

function isGenerated(m: SchemaModel, criterion: Criterion): m is CombinedModel {
  return m.kind === 'combined' && m.generated && m.criterion === criterion;
}

const MERGEABLE: ReadonlySet<string> = new Set(['array', 'number', 'object', 'string']);

/** Folds `current` into what the keywords before it produced (SchemaTranslator's join). */
function join(parent: Parent, previous: SchemaModel, current: SchemaModel): SchemaModel {
  if (previous.kind === current.kind && MERGEABLE.has(previous.kind)) return merge(previous, current);
  if (isGenerated(previous, 'anyOf') && previous.subschemas.some((s) => s.kind === current.kind)) {
    return generatedAnyOf(fold([...previous.subschemas], current));
  }
  if (isGenerated(current, 'anyOf') && current.subschemas.some((s) => s.kind === previous.kind)) {
    return generatedAnyOf(fold([...current.subschemas], previous));
  }
  if (parent !== 'object' && previous.kind === 'combined') {
    return combinedModel(parent, [...previous.subschemas, ...flatten(current)]);
  }
  return generatedAllOf([...flatten(previous), ...flatten(current)].reduce<SchemaModel[]>(fold, []));
}

/** A generated allOf stands for its members when folded into another. */
function flatten(m: SchemaModel): SchemaModel[] {
  return isGenerated(m, 'allOf') ? m.subschemas : [m];
}

/** Merges `current` into the first member of its type, or appends it. */
function fold(product: SchemaModel[], current: SchemaModel): SchemaModel[] {
  const i = product.findIndex((s) => s.kind === current.kind);
  const same = product[i];
  if (same && MERGEABLE.has(current.kind)) product[i] = merge(same, current);
  else product.push(current);
  return product;
}

/** A copy of `base` with what `extra` sets laid over it (SchemaUtils.merge). */
function merge(base: SchemaModel, extra: SchemaModel): SchemaModel {
  const m = copyModel(base);
  if (extra.title !== undefined) m.title = extra.title;
  if (extra.description !== undefined) m.description = extra.description;
  if (extra.id !== undefined) m.id = extra.id;
  if (extra.hasDefault) {
    m.hasDefault = true;
    m.defaultValue = extra.defaultValue;
  }
  for (const [k, v] of extra.unprocessed) m.unprocessed.set(k, v);
  if (m.kind === 'string' && extra.kind === 'string') {
    m.requiresString ||= extra.requiresString;
    overlay(m, extra, ['minLength', 'maxLength', 'pattern', 'format']);
  } else if (m.kind === 'number' && extra.kind === 'number') {
    m.requiresNumber ||= extra.requiresNumber;
    m.requiresInteger ||= extra.requiresInteger;
    overlay(m, extra, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
  } else if (m.kind === 'array' && extra.kind === 'array') {
    m.requiresArray ||= extra.requiresArray;
    m.uniqueItems ||= extra.uniqueItems;
    m.permitsAdditionalItems &&= extra.permitsAdditionalItems;
    if (extra.itemSchemas) m.itemSchemas = [...(m.itemSchemas ?? []), ...extra.itemSchemas];
    overlay(m, extra, ['minItems', 'maxItems', 'allItems', 'additionalItemsSchema', 'contains']);
  } else if (m.kind === 'object' && extra.kind === 'object') {
    m.requiresObject ||= extra.requiresObject;
    m.permitsAdditionalProperties &&= extra.permitsAdditionalProperties;
    for (const [k, v] of extra.properties) m.properties.set(k, v);
    for (const [k, v] of extra.patternProperties) m.patternProperties.set(k, v);
    m.required.push(...extra.required);
    for (const [k, v] of extra.propertyDependencies) m.propertyDependencies.set(k, new Set([...(m.propertyDependencies.get(k) ?? []), ...v]));
    for (const [k, v] of extra.schemaDependencies) m.schemaDependencies.set(k, v);
    overlay(m, extra, ['minProperties', 'maxProperties', 'additionalPropertiesSchema', 'propertyNames']);
  }
  return m;
}

function overlay<M extends object>(target: M, source: M, keys: readonly (keyof M)[]): void {
  for (const k of keys) if (source[k] !== undefined) target[k] = source[k];
}
