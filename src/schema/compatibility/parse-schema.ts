import { floatDefaultFromString, isValidDefault, type ParseState } from './defaults.js';
import { SchemaParseError } from './errors.js';
import { describeJson, isJsonObject, JsonNumber, jsonFromInput, jsonText, type JsonObject, type JsonValue } from './json.js';
import {
  PRIMITIVE_TYPES,
  type AvroSchema,
  type EnumSchema,
  type FixedSchema,
  type NamedSchema,
  type PrimitiveType,
  type RecordField,
  type RecordSchema,
} from './types.js';

/*
 * Parses Avro schema JSON into a graph, validating it as Avro Java's Schema.Parser does, so that
 * what the registry refuses we refuse. The target is Avro 1.12.0, the version Apicurio Registry
 * 3.0 ships. Two passes: the first creates an empty node for every named definition, so forward
 * references (allowed since 1.12) resolve; the second fills them in, in document order, tracking
 * what Java's parser would know at each point, because its checks depend on that.
 */

const MAX_FIXED_SIZE = 2n ** 31n - 9n;

const isPrimitive = (s: string): s is PrimitiveType => (PRIMITIVE_TYPES as readonly string[]).includes(s);

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** Avro Java's default name rule (NameValidator.UTF_VALIDATOR), applied per UTF-16 unit as Java does. */
function isValidName(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c !== '_' && !LETTER.test(c) && !(i > 0 && DIGIT.test(c))) return false;
  }
  return true;
}

function requireName(s: string, what: string): void {
  if (!isValidName(s)) throw new SchemaParseError(`${what} "${s}" is not a valid Avro name`);
}

const text = (obj: JsonObject, key: string): string | undefined => {
  const v = obj.get(key);
  return typeof v === 'string' ? v : undefined; // like Jackson's textValue(): non-strings read as absent
};

interface Name {
  name: string;
  namespace: string | undefined;
  fullName: string;
}

/** A dotted name carries its own namespace; otherwise the "namespace" attribute or the enclosing one applies. */
function makeName(name: string, namespace: string | undefined): Name {
  const dot = name.lastIndexOf('.');
  const simple = dot < 0 ? name : name.slice(dot + 1);
  const space = (dot < 0 ? namespace : name.slice(0, dot)) || undefined;
  return { name: simple, namespace: space, fullName: space ? `${space}.${simple}` : simple };
}

function namedTypeName(obj: JsonObject, enclosing: string | undefined): Name {
  const raw = text(obj, 'name');
  if (raw === undefined) throw new SchemaParseError(`named type has no "name": ${describeJson(obj)}`);
  const n = makeName(raw, text(obj, 'namespace') ?? enclosing);
  requireName(n.name, 'name');
  for (const part of n.namespace?.split('.') ?? []) requireName(part, `namespace part of "${n.fullName}"`);
  if (isPrimitive(n.fullName)) throw new SchemaParseError(`named type may not be called "${n.fullName}"`);
  return n;
}

/** Aliases as Avro Java's getAliases() returns them (an alias in the null namespace under a namespaced type reads ".Name"). */
function namedTypeAliases(obj: JsonObject, n: Name): string[] {
  return aliasList(obj).map((alias) => {
    const a = makeName(alias, n.namespace);
    requireName(a.name, 'alias');
    return a.namespace === undefined && n.namespace !== undefined ? `.${a.name}` : a.fullName;
  });
}

function aliasList(obj: JsonObject): string[] {
  const v = obj.get('aliases');
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((a): a is string => typeof a === 'string')) {
    throw new SchemaParseError(`"aliases" must be an array of strings: ${describeJson(obj)}`);
  }
  return [...new Set(v)];
}

const isNamedDefinition = (t: string | undefined) => t === 'record' || t === 'error' || t === 'enum' || t === 'fixed';

/** Attributes that are not schema properties (Avro Java's SCHEMA_RESERVED, plus "default" for enums). */
const RESERVED = new Set(['doc', 'fields', 'items', 'name', 'namespace', 'size', 'symbols', 'values', 'type', 'aliases']);
const hasProps = (obj: JsonObject) => [...obj.keys()].some((k) => !RESERVED.has(k) && !(k === 'default' && text(obj, 'type') === 'enum'));

class SchemaParser {
  /** Named types by full name: the first definition of each, which is what references find. */
  private readonly byFullName = new Map<string, NamedSchema>();
  /** Definition JSON object -> its node. */
  private readonly byDefinition = new Map<JsonObject, NamedSchema>();
  private readonly definitionJson = new Map<NamedSchema, JsonObject>();
  /** Where pass 2 is, in document order, as Avro Java's parser would be (see reference() and ParseState). */
  private readonly defined = new Map<string, NamedSchema>();
  private readonly state = new Map<NamedSchema, ParseState>();
  private readonly records: RecordSchema[] = [];

  parse(json: JsonValue): AvroSchema {
    this.declare(json, undefined, new Set());
    const root = this.build(json, undefined);
    // Avro Java checks defaults again once every name is resolved.
    for (const record of this.records) {
      for (const f of record.fields) if (f.default !== undefined) this.checkDefault(record, f.name, f.type, f.default, () => 'complete');
    }
    return root;
  }

  /** Pass 1: create an empty node per named definition, in document order. */
  private declare(json: JsonValue, namespace: string | undefined, open: Set<NamedSchema>): void {
    if (Array.isArray(json)) {
      for (const branch of json) this.declare(branch, namespace, open);
      return;
    }
    if (!isJsonObject(json)) return;
    const type = text(json, 'type');
    if (type === 'array') return this.declare(json.get('items') ?? null, namespace, open);
    if (type === 'map') return this.declare(json.get('values') ?? null, namespace, open);
    if (!isNamedDefinition(type)) return;

    const n = namedTypeName(json, namespace);
    const existing = this.byFullName.get(n.fullName);
    if (existing && !this.mayRedefine(existing, json, open)) throw new SchemaParseError(`named type "${n.fullName}" is defined twice`);
    const aliases = namedTypeAliases(json, n);
    const node: NamedSchema =
      type === 'enum'
        ? { type: 'enum', ...n, aliases, symbols: [], default: undefined }
        : type === 'fixed'
          ? { type: 'fixed', ...n, aliases, size: 0 }
          : { type: 'record', ...n, aliases, fields: [] };
    if (!existing) this.byFullName.set(n.fullName, node);
    this.byDefinition.set(json, node);
    this.definitionJson.set(node, json);
    const fields = json.get('fields');
    if (node.type === 'record' && Array.isArray(fields)) {
      open.add(node);
      for (const f of fields) if (isJsonObject(f)) this.declare(f.get('type') ?? null, n.namespace, open);
      open.delete(node);
    }
  }

  /**
   * Avro Java 1.12.0 (ParseContext.put) accepts a second definition of a name when it "equals" the
   * first as that stands at that moment: a record still being parsed has neither fields nor
   * properties yet, so it equals any record redefined inside it; an enum or fixed equals one with
   * the same symbols or size if the first has no extra properties. Any other repeat is an error.
   * The repeat stays a separate type; references keep finding the first.
   */
  private mayRedefine(existing: NamedSchema, json: JsonObject, open: Set<NamedSchema>): boolean {
    const type = text(json, 'type');
    const first = this.definitionJson.get(existing) as JsonObject;
    if (existing.type === 'record') return open.has(existing) && (type === 'record' || type === 'error');
    if (existing.type !== type || hasProps(first)) return false;
    const key = existing.type === 'enum' ? 'symbols' : 'size';
    return jsonText(first.get(key) ?? null) === jsonText(json.get(key) ?? null);
  }

  /** Pass 2: build the graph. */
  private build(json: JsonValue, namespace: string | undefined): AvroSchema {
    if (typeof json === 'string') return this.reference(json, namespace);
    if (Array.isArray(json)) return this.union(json, namespace);
    if (!isJsonObject(json)) throw new SchemaParseError(`not an Avro schema: ${describeJson(json)}`);

    const type = text(json, 'type');
    if (type === undefined) throw new SchemaParseError(`schema object needs a string "type": ${describeJson(json)}`);
    if (isPrimitive(type)) return { type };
    if (type === 'array') return { type, items: this.build(this.required(json, 'items'), namespace) };
    if (type === 'map') return { type, values: this.build(this.required(json, 'values'), namespace) };
    if (!isNamedDefinition(type)) return this.reference(type, namespace); // {"type": "SomeName"}, accepted by Avro Java 1.12

    const node = this.byDefinition.get(json) as NamedSchema;
    if (node.type === 'record') this.fillRecord(node, json);
    else if (node.type === 'enum') this.fillEnum(node, json);
    else this.fillFixed(node, json);
    this.state.set(node, 'complete');
    return node;
  }

  /** A named type becomes findable where Avro Java registers it: a record before its fields, an enum or fixed once read. */
  private define(node: NamedSchema): void {
    if (this.byFullName.get(node.fullName) === node) this.defined.set(node.fullName, node);
  }

  private required(obj: JsonObject, key: string): JsonValue {
    const v = obj.get(key);
    if (v === undefined) throw new SchemaParseError(`${text(obj, 'type')} schema has no "${key}": ${describeJson(obj)}`);
    return v;
  }

  /**
   * Avro Java's lookup: a name defined earlier in the document is found qualified with the
   * enclosing namespace, else as written; a later definition is found by the qualified name only.
   */
  private reference(name: string, namespace: string | undefined): AvroSchema {
    if (isPrimitive(name)) return { type: name };
    const qualified = namespace && !name.includes('.') ? `${namespace}.${name}` : name;
    const found = this.defined.get(qualified) ?? this.defined.get(name) ?? this.byFullName.get(qualified);
    if (!found) {
      const also = this.byFullName.has(name) ? ` (a type "${name}" is defined further on, but only "${qualified}" would match there)` : '';
      throw new SchemaParseError(`unknown named type "${qualified}"${also}`);
    }
    return found;
  }

  private union(branches: JsonValue[], namespace: string | undefined): AvroSchema {
    const seen = new Set<string>();
    const built = branches.map((b) => {
      const s = this.build(b, namespace);
      if (s.type === 'union') throw new SchemaParseError('a union may not directly contain another union');
      const key = 'fullName' in s ? s.fullName : s.type;
      if (seen.has(key)) throw new SchemaParseError(`union contains "${key}" twice`);
      seen.add(key);
      return s;
    });
    return { type: 'union', branches: built };
  }

  private fillRecord(node: RecordSchema, json: JsonObject): void {
    this.define(node);
    this.state.set(node, 'open');
    const fields = json.get('fields');
    if (!Array.isArray(fields)) throw new SchemaParseError(`record "${node.fullName}" needs a "fields" array`);
    const names = new Set<string>();
    node.fields = fields.map((f): RecordField => {
      const name = isJsonObject(f) ? text(f, 'name') : undefined;
      if (!isJsonObject(f) || name === undefined) {
        throw new SchemaParseError(`record "${node.fullName}" has a field without a "name": ${describeJson(f)}`);
      }
      requireName(name, `field name in record "${node.fullName}"`);
      const typeJson = f.get('type');
      if (typeJson === undefined) throw new SchemaParseError(`field "${node.fullName}.${name}" has no "type"`);
      const type = this.build(typeJson, node.namespace);
      const order = f.get('order');
      if (order !== undefined && !(typeof order === 'string' && /^(ascending|descending|ignore)$/i.test(order))) {
        throw new SchemaParseError(`field "${node.fullName}.${name}" has an invalid "order": ${describeJson(order)}`);
      }
      let def = f.get('default');
      if (typeof def === 'string' && (type.type === 'float' || type.type === 'double')) {
        def = floatDefaultFromString(def);
        if (def === undefined) throw new SchemaParseError(`field "${node.fullName}.${name}" has a non-numeric ${type.type} default`);
      }
      if (def !== undefined) this.checkDefault(node, name, type, def, (s) => this.state.get(s) ?? 'pending');
      if (names.has(name)) throw new SchemaParseError(`record "${node.fullName}" has two fields named "${name}"`);
      names.add(name);
      return { name, type, aliases: aliasList(f), default: def };
    });
    this.records.push(node);
  }

  private fillEnum(node: EnumSchema, json: JsonObject): void {
    const symbols = json.get('symbols');
    if (!Array.isArray(symbols)) throw new SchemaParseError(`enum "${node.fullName}" needs a "symbols" array`);
    const seen = new Set<string>();
    node.symbols = symbols.map((s) => {
      if (typeof s !== 'string') throw new SchemaParseError(`enum "${node.fullName}" has a non-string symbol ${describeJson(s)}`);
      requireName(s, `symbol of enum "${node.fullName}"`);
      if (seen.has(s)) throw new SchemaParseError(`enum "${node.fullName}" has the symbol "${s}" twice`);
      seen.add(s);
      return s;
    });
    node.default = text(json, 'default');
    if (node.default !== undefined && !seen.has(node.default)) {
      throw new SchemaParseError(`enum "${node.fullName}" default "${node.default}" is not one of its symbols`);
    }
    this.define(node);
  }

  private fillFixed(node: FixedSchema, json: JsonObject): void {
    const size = json.get('size');
    const ok = size instanceof JsonNumber && size.integer !== undefined && size.integer >= 0n && size.integer < 2n ** 31n;
    if (!ok) throw new SchemaParseError(`fixed "${node.fullName}" needs a non-negative integer "size"`);
    // Avro Java refuses sizes over the largest array a JVM can allocate (SystemLimitException).
    if (size.integer! > MAX_FIXED_SIZE) throw new SchemaParseError(`fixed "${node.fullName}" size ${size.text} is over Avro Java's limit of ${MAX_FIXED_SIZE} bytes`);
    node.size = size.value;
    this.define(node);
  }

  private checkDefault(record: RecordSchema, field: string, type: AvroSchema, def: JsonValue, stateOf: (s: NamedSchema) => ParseState) {
    if (!isValidDefault(type, def, stateOf)) {
      throw new SchemaParseError(`field "${record.fullName}.${field}" has an invalid default ${describeJson(def)}`);
    }
  }
}

/** Parse and validate one Avro schema (JSON text or an already parsed object). Throws SchemaParseError. */
export function parseSchema(input: string | object): AvroSchema {
  return new SchemaParser().parse(jsonFromInput(input));
}
