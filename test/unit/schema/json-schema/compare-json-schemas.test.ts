import { describe, expect, it } from 'vitest';
import { compareJsonSchemas, parseJsonSchema } from '../../../../src/schema/json-schema/index.js';

const parse = (schema: unknown) => parseJsonSchema(JSON.stringify(schema));
const changes = (original: unknown, update: unknown) =>
  compareJsonSchemas(parse(original), parse(update)).map((d) => `${d.type} ${d.path}`).sort();
const compatible = (original: unknown, update: unknown) => compareJsonSchemas(parse(original), parse(update)).every((d) => d.compatible);

describe('compareJsonSchemas', () => {
  it('returns every difference, each with its verdict and a sentence', () => {
    const diffs = compareJsonSchemas(
      parse({ type: 'object', properties: { id: { type: 'string', maxLength: 10 }, note: { type: 'string' } }, required: ['id'] }),
      parse({ type: 'object', properties: { id: { type: 'string', maxLength: 5 }, note: { type: 'string' } }, required: ['id', 'note'] }),
    );
    expect(diffs).toEqual([
      {
        type: 'REQUIRED_ATTRIBUTE_ADDED',
        path: '#/required/note',
        compatible: false,
        message: 'At #/required/note, property became required (breaks compatibility).',
      },
      {
        type: 'MAX_LENGTH_DECREASED',
        path: '#/properties/id/maxLength',
        compatible: false,
        message: 'At #/properties/id/maxLength, maxLength decreased (breaks compatibility).',
      },
    ]);
  });

  it('checks backward compatibility as compare(previous, new) and forward as compare(new, previous)', () => {
    const previous = { type: 'object', properties: { a: { type: 'integer' } } };
    const next = { type: 'object', properties: { a: { type: 'number' } } };
    expect(changes(previous, next)).toEqual(['TYPE_EXTENDED #/properties/a']);
    expect(compatible(previous, next)).toBe(true);
    expect(changes(next, previous)).toEqual(['TYPE_NARROWED #/properties/a']);
    expect(compatible(next, previous)).toBe(false);
  });

  it('applies the lenient policy when asked', () => {
    const [original, update] = [parse({ properties: { a: { type: 'string' } } }), parse({ properties: {} })];
    expect(compareJsonSchemas(original, update)).toMatchObject([{ type: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', compatible: true }]);
    const added = [parse({ properties: {} }), parse({ properties: { a: { type: 'string' } } })] as const;
    expect(compareJsonSchemas(...added)[0]?.compatible).toBe(false);
    expect(compareJsonSchemas(...added, { policy: 'lenient' })[0]?.compatible).toBe(true);
  });

  // The cases below are SchemaDiffTest's own Java tests (not in its JSON resources).
  it('treats an empty schema changing to an empty object schema as incompatible', () => {
    expect(changes({}, { properties: {} })).toEqual(['TYPE_CHANGED #/']);
  });

  it('lets two Kafka Connect "bytes" schemas change JSON type', () => {
    const decimal = (type: string) => ({
      type,
      title: 'org.apache.kafka.connect.data.Decimal',
      'connect.version': 1,
      'connect.type': 'bytes',
      'connect.parameters': { scale: '2' },
    });
    expect(changes(decimal('string'), decimal('number'))).toEqual([]);
  });

  it('compares multipleOf in decimal', () => {
    expect(changes({ type: 'number', multipleOf: 0.5 }, { type: 'number', multipleOf: 10 })).toEqual(['MULTIPLE_OF_EXPANDED #/multipleOf']);
    expect(changes({ type: 'number', multipleOf: 0.1 }, { type: 'number', multipleOf: 0.3 })).toEqual(['MULTIPLE_OF_EXPANDED #/multipleOf']);
    expect(changes({ type: 'number', multipleOf: 0.3 }, { type: 'number', multipleOf: 0.1 })).toEqual(['MULTIPLE_OF_REDUCED #/multipleOf']);
  });

  it('escapes "/" and "~" in property names', () => {
    expect(changes({ properties: { 'a/b~c': { type: 'string' } } }, { properties: { 'a/b~c': { type: 'number' } } })).toEqual([
      'TYPE_CHANGED #/properties/a~1b~0c',
    ]);
  });
});

describe('compareJsonSchemas on recursive schemas', () => {
  const types = ['Asset', 'Basket', 'Swap', 'Bond', 'Option', 'Future', 'Forward', 'Loan', 'Repo', 'Equity', 'Index', 'CommodityLeg'];
  const union = () => ({ oneOf: types.map((t) => ({ $ref: `#/definitions/${t}` })) });
  const trade = (assetIdType: string) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Trade',
    type: 'object',
    additionalProperties: true,
    definitions: Object.fromEntries(
      types.map((t) => [
        t,
        { type: 'object', properties: { id: { type: t === 'Asset' ? assetIdType : 'string' }, underlying: union(), referenceProduct: union() } },
      ]),
    ),
    properties: { tradeId: { type: 'string' }, product: union() },
  });

  it('terminates on a union of mutually recursive definitions', () => {
    expect(changes(trade('string'), trade('string'))).toEqual([]);
  });

  it('still finds a change deep inside it', () => {
    expect(compatible(trade('string'), trade('number'))).toBe(false);
  });

  it('does not let a cycle assumed compatible hide an incompatible change', () => {
    // T0 -> T2 -> T0 is a cycle; the id types of T0 and T1 both change incompatibly.
    const node = (idType: string, target: string) => ({
      type: 'object',
      additionalProperties: true,
      properties: { id: { type: idType }, ref: { oneOf: [{ $ref: `#/definitions/${target}` }] } },
    });
    const schema = (t0: string, t1: string) => ({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      definitions: { T0: node(t0, 'T2'), T1: node(t1, 'T2'), T2: node('integer', 'T0') },
      properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } },
    });
    expect(compatible(schema('integer', 'boolean'), schema('boolean', 'number'))).toBe(false);
  });

  it('reports a change to a self-referencing schema', () => {
    const tree = (valueType: string) => ({ type: 'object', properties: { value: { type: valueType }, children: { type: 'array', items: { $ref: '#' } } } });
    expect(changes(tree('string'), tree('string'))).toEqual([]);
    expect(changes(tree('string'), tree('number'))).toContain('TYPE_CHANGED #/properties/value');
  });
});
