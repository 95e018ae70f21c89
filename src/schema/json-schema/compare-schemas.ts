import { compareArrays } from './compare-arrays.js';
import { compareCombined } from './compare-combined.js';
import { compareObjects } from './compare-objects.js';
import { acceptsAnything } from './compare-unevaluated.js';
import { isMultipleOf } from './decimal.js';
import { at, compareLimit, type DiffRun, type RawDifference } from './diff-run.js';
import { jsonKey, type NumberModel, type SchemaModel, type StringModel } from './schema-model.js';

/**
 * The differences between two schemas (references already followed), as the registry's
 * SchemaDiff finds them: a plain schema against a union is compared with its members, schemas of
 * different types differ by TYPE_CHANGED, and schemas of one type by their keywords.
 */
export function comparePair(run: DiffRun, original: SchemaModel, update: SchemaModel): RawDifference[] {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    const members = update.subschemas;
    if (members.length === 1) {
      const d = run.compare(original, members[0]);
      if (run.compatible(d)) return d;
    } else if (update.criterion !== 'allOf') {
      for (const member of members) {
        const d = run.compare(original, member);
        if (run.compatible(d)) return [...d, at('SUM_TYPE_EXTENDED')];
      }
    }
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    const members = original.subschemas;
    if (members.length === 1) {
      const d = run.compare(members[0], update);
      if (run.compatible(d)) return d;
    } else if (original.criterion === 'allOf') {
      for (const member of members) {
        const d = run.compare(member, update);
        if (run.compatible(d)) return [...d, at('PRODUCT_TYPE_NARROWED')];
      }
    }
  }

  if (original.kind !== update.kind) {
    // Nothing is lost going from false, or to a schema that accepts anything.
    if (original.kind === 'false' || acceptsAnything(update)) return [];
    // Kafka Connect writes decimals as bytes under either JSON type; the registry lets that change pass.
    if (connectType(original) === 'bytes' && connectType(update) === 'bytes') return [];
    return [at('TYPE_CHANGED')];
  }

  const out: RawDifference[] = [];
  if (original.id !== update.id) out.push(at('ID_CHANGED'));
  if (original.title !== update.title) out.push(at('TITLE_CHANGED'));
  if (original.description !== update.description) out.push(at('DESCRIPTION_CHANGED'));
  if (defaultKey(original) !== defaultKey(update)) out.push(at('DEFAULT_CHANGED'));

  switch (original.kind) {
    case 'string':
      out.push(...compareStrings(original, update as StringModel));
      break;
    case 'number':
      out.push(...compareNumbers(original, update as NumberModel));
      break;
    case 'const':
      if (jsonKey(original.value) !== jsonKey((update as typeof original).value)) out.push(at('ENUM_ARRAY_CHANGED', 'const'));
      break;
    case 'enum':
      out.push(...compareEnums(original.values, (update as typeof original).values));
      break;
    case 'combined':
      out.push(...compareCombined(run, original, update as typeof original));
      break;
    case 'not': {
      // Swapped: a `not` accepts more when the schema it negates accepts less.
      const negated = run.compare((update as typeof original).mustNotMatch, original.mustNotMatch);
      out.push(at(run.compatible(negated) ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', 'not'));
      break;
    }
    case 'object':
      out.push(...compareObjects(run, original, update as typeof original));
      break;
    case 'array':
      out.push(...compareArrays(run, original, update as typeof original));
      break;
    default:
      break;
  }
  return out;
}

function connectType(m: SchemaModel): unknown {
  const u = m.unprocessed.get('connect.type');
  return u && 'json' in u ? u.json : undefined;
}

function defaultKey(m: SchemaModel): string | undefined {
  return m.hasDefault ? jsonKey(m.defaultValue) : undefined;
}

function compareStrings(o: StringModel, u: StringModel): RawDifference[] {
  const out = [
    ...compareLimit('maxLength', o.maxLength, u.maxLength, ['MAX_LENGTH_ADDED', 'MAX_LENGTH_REMOVED', 'MAX_LENGTH_INCREASED', 'MAX_LENGTH_DECREASED']),
    ...compareLimit('minLength', o.minLength, u.minLength, ['MIN_LENGTH_ADDED', 'MIN_LENGTH_REMOVED', 'MIN_LENGTH_INCREASED', 'MIN_LENGTH_DECREASED']),
  ];
  if (o.pattern === undefined && u.pattern !== undefined) out.push(at('PATTERN_ADDED', 'pattern'));
  else if (o.pattern !== undefined && u.pattern === undefined) out.push(at('PATTERN_REMOVED', 'pattern'));
  else if (o.pattern !== u.pattern) out.push(at('PATTERN_CHANGED', 'pattern'));
  return out;
}

function compareNumbers(o: NumberModel, u: NumberModel): RawDifference[] {
  const out = [
    ...compareLimit('maximum', o.maximum, u.maximum, ['MAXIMUM_ADDED', 'MAXIMUM_REMOVED', 'MAXIMUM_INCREASED', 'MAXIMUM_DECREASED']),
    ...compareLimit('minimum', o.minimum, u.minimum, ['MINIMUM_ADDED', 'MINIMUM_REMOVED', 'MINIMUM_INCREASED', 'MINIMUM_DECREASED']),
    ...compareLimit('exclusiveMaximum', o.exclusiveMaximum, u.exclusiveMaximum, [
      'EXCLUSIVE_MAXIMUM_ADDED', 'EXCLUSIVE_MAXIMUM_REMOVED', 'EXCLUSIVE_MAXIMUM_INCREASED', 'EXCLUSIVE_MAXIMUM_DECREASED',
    ]),
    ...compareLimit('exclusiveMinimum', o.exclusiveMinimum, u.exclusiveMinimum, [
      'EXCLUSIVE_MINIMUM_ADDED', 'EXCLUSIVE_MINIMUM_REMOVED', 'EXCLUSIVE_MINIMUM_INCREASED', 'EXCLUSIVE_MINIMUM_DECREASED',
    ]),
  ];
  const [om, um] = [o.multipleOf, u.multipleOf];
  if (om === undefined && um !== undefined) out.push(at('MULTIPLE_OF_ADDED', 'multipleOf'));
  else if (om !== undefined && um === undefined) out.push(at('MULTIPLE_OF_REMOVED', 'multipleOf'));
  else if (om !== undefined && um !== undefined && om !== um) {
    // A multiple of the old step accepts fewer values; a divisor of it accepts more.
    if (isMultipleOf(um, om)) out.push(at('MULTIPLE_OF_EXPANDED', 'multipleOf'));
    else if (isMultipleOf(om, um)) out.push(at('MULTIPLE_OF_REDUCED', 'multipleOf'));
    else out.push(at('MULTIPLE_OF_CHANGED', 'multipleOf'));
  }
  if (o.requiresInteger !== u.requiresInteger) out.push(at(o.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED'));
  return out;
}

function compareEnums(original: readonly unknown[], update: readonly unknown[]): RawDifference[] {
  const o = new Set(original.map(jsonKey));
  const u = new Set(update.map(jsonKey));
  const covers = (a: Set<string>, b: Set<string>) => [...b].every((v) => a.has(v));
  if (covers(o, u) && covers(u, o)) return [];
  if (covers(u, o)) return [at('ENUM_ARRAY_EXTENDED', 'enum')];
  return [at(covers(o, u) ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED', 'enum')];
}
