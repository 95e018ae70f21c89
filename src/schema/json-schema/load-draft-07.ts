import { ReferenceLoader } from './load-reference.js';
import { isObject } from './schema-documents.js';
import {
  arrayModel,
  booleanModel,
  combinedModel,
  conditionalModel,
  constModel,
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

const ARRAY_KEYWORDS = ['items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'];
const OBJECT_KEYWORDS = [
  'properties', 'required', 'minProperties', 'maxProperties', 'dependencies', 'patternProperties',
  'additionalProperties', 'propertyNames',
];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const CONDITIONAL_KEYWORDS = ['if', 'then', 'else'];
const COMBINERS: readonly Criterion[] = ['allOf', 'anyOf', 'oneOf'];

/**
 * Draft-07 (and the registry's default when `$schema` names no draft it knows), shaped as
 * everit-json-schema's SchemaLoader shapes it: `$ref` wins over every sibling; otherwise each of
 * enum, allOf/anyOf/oneOf, not, const and type yields a schema, keywords of a type not declared
 * yield a schema of that type that does not require it, and several schemas are combined by a
 * (synthetic) allOf. Keywords nothing used stay unprocessed; the diff reads a few of them.
 */
export class Draft07Loader extends ReferenceLoader {
  load(json: unknown): SchemaModel {
    if (typeof json === 'boolean') return json ? trueModel() : falseModel();
    const o = json as Json;
    const consumed = new Set<string>();
    const unconsumed = (k: string) => Object.hasOwn(o, k) && !consumed.has(k);
    const consume = (keys: readonly string[]) => keys.forEach((k) => Object.hasOwn(o, k) && consumed.add(k));
    const found: SchemaModel[] = [];

    if (Object.hasOwn(o, '$ref')) {
      consume(['$ref']);
      found.push(this.reference(o, o.$ref as string));
    } else {
      if (unconsumed('enum')) {
        consume(['enum']);
        found.push(enumModel(o.enum as unknown[]));
      }
      for (const criterion of COMBINERS) {
        if (!unconsumed(criterion)) continue;
        consume([criterion]);
        found.push(combinedModel(criterion, (o[criterion] as unknown[]).map((s) => this.load(s))));
      }
      if (unconsumed('not')) {
        consume(['not']);
        found.push(notModel(this.load(o.not)));
      }
      if (unconsumed('const')) {
        consume(['const']);
        found.push(constModel(o.const));
      }
      if (unconsumed('type')) {
        consume(['type']);
        const explicit = (t: unknown) => this.explicitType(o, t as string, consume);
        found.push(Array.isArray(o.type) ? combinedModel('anyOf', o.type.map(explicit)) : explicit(o.type));
      }
      // Keywords of a type the schema does not declare still constrain values of that type.
      const sniffed = (keys: readonly string[]) => keys.some(unconsumed);
      const sniff: SchemaModel[] = [];
      if (sniffed(ARRAY_KEYWORDS)) sniff.push({ ...this.array(o), requiresArray: false });
      if (sniffed(OBJECT_KEYWORDS)) sniff.push({ ...this.object(o), requiresObject: false });
      if (sniffed(NUMBER_KEYWORDS)) sniff.push(this.number(o, false, false));
      if (sniffed(STRING_KEYWORDS)) sniff.push(this.string(o, false));
      if (sniffed(CONDITIONAL_KEYWORDS)) sniff.push(this.conditional(o));
      consume([...ARRAY_KEYWORDS, ...OBJECT_KEYWORDS, ...NUMBER_KEYWORDS, ...STRING_KEYWORDS, ...CONDITIONAL_KEYWORDS]);
      found.push(...sniff);
    }

    const schema = found.length === 0 ? emptyModel() : found.length === 1 ? (found[0] as SchemaModel) : combinedModel('allOf', found);
    if (typeof o.$id === 'string') schema.id = o.$id;
    if (typeof o.title === 'string') schema.title = o.title;
    if (typeof o.description === 'string') schema.description = o.description;
    if (Object.hasOwn(o, 'default')) {
      schema.hasDefault = true;
      schema.defaultValue = o.default;
    }
    consume(['$id', 'title', 'description', 'readOnly', 'writeOnly', 'default']);
    for (const [key, value] of Object.entries(o)) {
      if (!consumed.has(key)) schema.unprocessed.set(key, { json: value });
    }
    return schema;
  }

  private explicitType(o: Json, type: string, consume: (keys: readonly string[]) => void): SchemaModel {
    switch (type) {
      case 'string':
        consume(STRING_KEYWORDS);
        return this.string(o, true);
      case 'integer':
      case 'number':
        consume(NUMBER_KEYWORDS);
        return this.number(o, true, type === 'integer');
      case 'boolean':
        return booleanModel();
      case 'null':
        return nullModel();
      case 'array':
        consume(ARRAY_KEYWORDS);
        return this.array(o);
      default: // "object": the meta-schema allows no other type names
        consume(OBJECT_KEYWORDS);
        return this.object(o);
    }
  }

  private string(o: Json, requiresString: boolean): SchemaModel {
    const s = stringModel(requiresString);
    if (typeof o.minLength === 'number') s.minLength = o.minLength;
    if (typeof o.maxLength === 'number') s.maxLength = o.maxLength;
    if (typeof o.pattern === 'string') s.pattern = o.pattern;
    if (typeof o.format === 'string') s.format = o.format;
    return s;
  }

  private number(o: Json, requiresNumber: boolean, requiresInteger: boolean): SchemaModel {
    const n = numberModel(requiresNumber, requiresInteger);
    if (typeof o.minimum === 'number') n.minimum = o.minimum;
    if (typeof o.maximum === 'number') n.maximum = o.maximum;
    if (typeof o.exclusiveMinimum === 'number') n.exclusiveMinimum = o.exclusiveMinimum;
    if (typeof o.exclusiveMaximum === 'number') n.exclusiveMaximum = o.exclusiveMaximum;
    if (typeof o.multipleOf === 'number') n.multipleOf = o.multipleOf;
    return n;
  }

  private array(o: Json): SchemaModel & { kind: 'array' } {
    const a = arrayModel(true);
    if (typeof o.minItems === 'number') a.minItems = o.minItems;
    if (typeof o.maxItems === 'number') a.maxItems = o.maxItems;
    if (o.uniqueItems === true) a.uniqueItems = true;
    if (typeof o.additionalItems === 'boolean') a.permitsAdditionalItems = o.additionalItems;
    else if (isObject(o.additionalItems)) a.additionalItemsSchema = this.load(o.additionalItems);
    if (Array.isArray(o.items)) a.itemSchemas = o.items.map((s) => this.load(s));
    else if (o.items !== undefined) a.allItems = this.load(o.items);
    if (o.contains !== undefined) a.contains = this.load(o.contains);
    return a;
  }

  private object(o: Json): SchemaModel & { kind: 'object' } {
    const m = objectModel(true);
    if (typeof o.minProperties === 'number') m.minProperties = o.minProperties;
    if (typeof o.maxProperties === 'number') m.maxProperties = o.maxProperties;
    if (isObject(o.properties)) {
      for (const [name, s] of Object.entries(o.properties)) {
        // everit skips a property named "$id" whose value is not a schema object.
        if (name !== '$id' || isObject(s)) m.properties.set(name, this.load(s));
      }
    }
    if (typeof o.additionalProperties === 'boolean') m.permitsAdditionalProperties = o.additionalProperties;
    else if (isObject(o.additionalProperties)) m.additionalPropertiesSchema = this.load(o.additionalProperties);
    if (Array.isArray(o.required)) m.required = o.required as string[];
    if (isObject(o.patternProperties)) {
      for (const [pattern, s] of Object.entries(o.patternProperties)) m.patternProperties.set(pattern, this.load(s));
    }
    if (isObject(o.dependencies)) {
      for (const [name, dep] of Object.entries(o.dependencies)) {
        if (Array.isArray(dep)) m.propertyDependencies.set(name, new Set(dep as string[]));
        else m.schemaDependencies.set(name, this.load(dep));
      }
    }
    if (o.propertyNames !== undefined) m.propertyNames = this.load(o.propertyNames);
    return m;
  }

  private conditional(o: Json): SchemaModel {
    const c = conditionalModel();
    if (o.if !== undefined) c.ifSchema = this.load(o.if);
    if (o.then !== undefined) c.thenSchema = this.load(o.then);
    if (o.else !== undefined) c.elseSchema = this.load(o.else);
    return c;
  }
}
