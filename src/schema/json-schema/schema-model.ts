/**
 * The typed schema graph the diff walks. It mirrors what Confluent's registry compares: the
 * everit-json-schema object model (StringSchema, ObjectSchema, CombinedSchema, ...), built from
 * draft-07 by everit's loader rules and from 2020-12 by json-sKema plus the registry's
 * SchemaTranslator. Which shape a document takes decides which differences are reported, so the
 * loaders reproduce those rules rather than normalising the schema.
 */

/** A keyword the loader did not interpret, kept as the registry keeps it (a few are read by the diff). */
export type Unprocessed = { readonly json: unknown } | { readonly schema: SchemaModel };

interface Common {
  id?: string;
  title?: string;
  description?: string;
  /** Whether the schema counts as having a default (`hasDefaultValue()`); the value is compared when both have one. */
  hasDefault: boolean;
  defaultValue?: unknown;
  unprocessed: Map<string, Unprocessed>;
}

export interface EmptyModel extends Common {
  kind: 'empty';
}
export interface TrueModel extends Common {
  kind: 'true';
}
export interface FalseModel extends Common {
  kind: 'false';
}
export interface BooleanModel extends Common {
  kind: 'boolean';
}
export interface NullModel extends Common {
  kind: 'null';
}

export interface StringModel extends Common {
  kind: 'string';
  requiresString: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

export interface NumberModel extends Common {
  kind: 'number';
  requiresNumber: boolean;
  requiresInteger: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

export interface ArrayModel extends Common {
  kind: 'array';
  requiresArray: boolean;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  /** `items` as one schema for every item. */
  allItems?: SchemaModel;
  /** `items` as a tuple (draft-07) or `prefixItems` (2020-12). */
  itemSchemas?: SchemaModel[];
  permitsAdditionalItems: boolean;
  additionalItemsSchema?: SchemaModel;
  contains?: SchemaModel;
}

export interface ObjectModel extends Common {
  kind: 'object';
  requiresObject: boolean;
  properties: Map<string, SchemaModel>;
  required: string[];
  permitsAdditionalProperties: boolean;
  additionalPropertiesSchema?: SchemaModel;
  /** Keyed by the pattern's source text. */
  patternProperties: Map<string, SchemaModel>;
  propertyDependencies: Map<string, Set<string>>;
  schemaDependencies: Map<string, SchemaModel>;
  minProperties?: number;
  maxProperties?: number;
  propertyNames?: SchemaModel;
}

export interface EnumModel extends Common {
  kind: 'enum';
  values: unknown[];
}
export interface ConstModel extends Common {
  kind: 'const';
  value: unknown;
}

export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

export interface CombinedModel extends Common {
  kind: 'combined';
  criterion: Criterion;
  subschemas: SchemaModel[];
  /** Made by the 2020-12 translator to hold several keywords of one object (CombinedSchemaExt.isGenerated). */
  generated: boolean;
}

export interface NotModel extends Common {
  kind: 'not';
  mustNotMatch: SchemaModel;
}

export interface ConditionalModel extends Common {
  kind: 'conditional';
  ifSchema?: SchemaModel;
  thenSchema?: SchemaModel;
  elseSchema?: SchemaModel;
}

export interface ReferenceModel extends Common {
  kind: 'ref';
  ref: string;
  /** The referred schema, loaded on first use so recursive schemas stay finite. */
  target: () => SchemaModel;
}

export type SchemaModel =
  | EmptyModel
  | TrueModel
  | FalseModel
  | BooleanModel
  | NullModel
  | StringModel
  | NumberModel
  | ArrayModel
  | ObjectModel
  | EnumModel
  | ConstModel
  | CombinedModel
  | NotModel
  | ConditionalModel
  | ReferenceModel;

function common(): Common {
  return { hasDefault: false, unprocessed: new Map() };
}

export const emptyModel = (): EmptyModel => ({ kind: 'empty', ...common() });
export const trueModel = (): TrueModel => ({ kind: 'true', ...common() });
export const falseModel = (): FalseModel => ({ kind: 'false', ...common() });
export const booleanModel = (): BooleanModel => ({ kind: 'boolean', ...common() });
export const nullModel = (): NullModel => ({ kind: 'null', ...common() });
export const stringModel = (requiresString: boolean): StringModel => ({ kind: 'string', requiresString, ...common() });
export const numberModel = (requiresNumber: boolean, requiresInteger = false): NumberModel => ({
  kind: 'number',
  requiresNumber: requiresNumber || requiresInteger,
  requiresInteger,
  ...common(),
});
export const arrayModel = (requiresArray: boolean): ArrayModel => ({
  kind: 'array',
  requiresArray,
  uniqueItems: false,
  permitsAdditionalItems: true,
  ...common(),
});
export const objectModel = (requiresObject: boolean): ObjectModel => ({
  kind: 'object',
  requiresObject,
  properties: new Map(),
  required: [],
  permitsAdditionalProperties: true,
  patternProperties: new Map(),
  propertyDependencies: new Map(),
  schemaDependencies: new Map(),
  ...common(),
});
export const enumModel = (values: unknown[]): EnumModel => ({ kind: 'enum', values, ...common() });
export const constModel = (value: unknown): ConstModel => ({ kind: 'const', value, ...common() });
export const combinedModel = (criterion: Criterion, subschemas: SchemaModel[], generated = false): CombinedModel => ({
  kind: 'combined',
  criterion,
  subschemas,
  generated,
  ...common(),
});
export const notModel = (mustNotMatch: SchemaModel): NotModel => ({ kind: 'not', mustNotMatch, ...common() });
export const conditionalModel = (): ConditionalModel => ({ kind: 'conditional', ...common() });
export const referenceModel = (ref: string, target: () => SchemaModel): ReferenceModel => ({
  kind: 'ref',
  ref,
  target,
  ...common(),
});

/** A shallow copy whose own maps and lists can be changed without touching the original. */
export function copyModel<M extends SchemaModel>(m: M): M {
  const copy = { ...m, unprocessed: new Map(m.unprocessed) };
  if (copy.kind === 'object') {
    copy.properties = new Map(copy.properties);
    copy.required = [...copy.required];
    copy.patternProperties = new Map(copy.patternProperties);
    copy.propertyDependencies = new Map([...copy.propertyDependencies].map(([k, v]) => [k, new Set(v)]));
    copy.schemaDependencies = new Map(copy.schemaDependencies);
  } else if (copy.kind === 'array' && copy.itemSchemas) {
    copy.itemSchemas = [...copy.itemSchemas];
  } else if (copy.kind === 'combined') {
    copy.subschemas = [...copy.subschemas];
  }
  return copy;
}

/** A canonical text of a JSON value: equal for deep-equal values whatever their key order. */
export function jsonKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonKey(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const schemaKeys = new WeakMap<SchemaModel, string>();

/**
 * A canonical text of a schema, standing in for the registry's `new JsonSchema(schema)` equality
 * (its serialised form) when it collapses duplicate allOf/anyOf/oneOf subschemas. References are
 * written as their `$ref` text, as everit writes them, which also keeps recursive schemas finite.
 */
export function schemaKey(m: SchemaModel): string {
  const cached = schemaKeys.get(m);
  if (cached !== undefined) return cached;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (k === 'target' || v === undefined) continue;
    if (RAW_JSON_FIELDS.has(k)) fields[k] = v;
    else if (k === 'unprocessed') {
      fields[k] = Object.fromEntries(
        [...(v as Map<string, Unprocessed>)].map(([name, u]) => [name, 'schema' in u ? { schema: schemaKey(u.schema) } : u]),
      );
    } else fields[k] = keyable(v);
  }
  const key = jsonKey(fields);
  schemaKeys.set(m, key);
  return key;
}

const RAW_JSON_FIELDS: ReadonlySet<string> = new Set(['defaultValue', 'values', 'value']);

function keyable(v: unknown): unknown {
  if (isSchemaModel(v)) return { schema: schemaKey(v) };
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, keyable(x)]));
  if (v instanceof Set) return [...v].sort();
  if (Array.isArray(v)) return v.map(keyable);
  return v;
}

/** Raw JSON never holds a Map, so this cannot mistake a JSON value for a schema. */
function isSchemaModel(v: unknown): v is SchemaModel {
  return v !== null && typeof v === 'object' && 'kind' in v && (v as { unprocessed?: unknown }).unprocessed instanceof Map;
}
