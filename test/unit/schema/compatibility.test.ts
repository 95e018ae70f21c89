import { describe, expect, it } from 'vitest';
import {
  checkCompatibility,
  checkReaderWriter,
  parseSchema,
  SchemaParseError,
  type CompatibilityLevel,
} from '../../../src/schema/compatibility/index.js';

/** Reader/writer check on schemas given as JSON values (primitives are bare strings). */
const check = (reader: unknown, writer: unknown) =>
  checkReaderWriter(parseSchema(JSON.stringify(reader)), parseSchema(JSON.stringify(writer)));
const lines = (reader: unknown, writer: unknown) => check(reader, writer).incompatibilities.map((i) => `${i.path}: ${i.message}`);

const record = (name: string, fields: object[], extra: object = {}) => ({ type: 'record', name, ...extra, fields });

const payment = (fields: object[]) => record('Payment', fields, { namespace: 'com.acme' });
const V1 = payment([
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'int' },
]);
const V2 = payment([
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'long' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
// Drops "note" without a default in between, then brings it back as a required field.
const V3 = payment([
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'long' },
]);
const V4 = payment([
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'long' },
  { name: 'note', type: 'string', default: '' },
]);

describe('primitive promotions', () => {
  const P = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
  // reader -> writer types it can read (the spec's promotions plus identity).
  const readable: Record<(typeof P)[number], string[]> = {
    null: ['null'],
    boolean: ['boolean'],
    int: ['int'],
    long: ['int', 'long'],
    float: ['int', 'long', 'float'],
    double: ['int', 'long', 'float', 'double'],
    bytes: ['bytes', 'string'],
    string: ['string', 'bytes'],
  };
  for (const reader of P) {
    for (const writer of P) {
      const expected = readable[reader].includes(writer);
      it(`${reader} ${expected ? 'reads' : 'does not read'} ${writer}`, () => {
        expect(check(reader, writer).compatible).toBe(expected);
      });
    }
  }

  it('promotes inside arrays and maps, not the other way', () => {
    expect(check({ type: 'array', items: 'double' }, { type: 'array', items: 'int' }).compatible).toBe(true);
    expect(lines({ type: 'map', values: 'int' }, { type: 'map', values: 'long' })).toEqual(['/values: reader int cannot read writer long']);
    expect(lines({ type: 'array', items: 'int' }, { type: 'map', values: 'int' })).toEqual([
      '/: reader array<int> cannot read writer map<int>',
    ]);
  });
});

describe('messages carry a path', () => {
  it('names fields in the path', () => {
    const reader = record('Order', [{ name: 'amount', type: 'double' }]);
    const writer = record('Order', [{ name: 'amount', type: 'string' }]);
    expect(lines(reader, writer)).toEqual(['/fields/amount/type: reader double cannot read writer string']);
    // location is Avro Java's form (positions), as a registry reports it.
    expect(check(reader, writer).incompatibilities[0]).toMatchObject({ kind: 'TYPE_MISMATCH', location: '/fields/0/type' });
  });

  it('reports a reader field with no default that the writer lacks', () => {
    const reader = record('Order', [
      { name: 'id', type: 'string' },
      { name: 'currency', type: 'string' },
      { name: 'channel', type: 'string', default: 'web' },
    ]);
    const writer = record('Order', [{ name: 'id', type: 'string' }]);
    expect(lines(reader, writer)).toEqual(['/fields/currency: reader field "currency" has no default and is missing in the writer']);
  });

  it('skips writer fields the reader does not have', () => {
    const reader = record('Order', [{ name: 'id', type: 'string' }]);
    const writer = record('Order', [
      { name: 'id', type: 'string' },
      { name: 'legacy', type: 'int' },
    ]);
    expect(check(reader, writer).compatible).toBe(true);
  });

  it('reports missing enum symbols and fixed sizes', () => {
    const status = (symbols: string[]) => ({ type: 'enum', name: 'Status', symbols });
    expect(lines(status(['PAID']), status(['PAID', 'REFUNDED']))).toEqual([
      '/symbols: writer symbol "REFUNDED" is missing in the reader enum and the reader has no default',
    ]);
    expect(lines(status(['A']), status(['A', 'C', 'B']))).toEqual([
      '/symbols: writer symbols "B", "C" are missing in the reader enum and the reader has no default',
    ]);
    const hash = (size: number) => ({ type: 'fixed', name: 'Hash', size });
    expect(lines(hash(16), hash(8))).toEqual(['/size: reader fixed size 16 does not match writer size 8']);
  });

  it('reports every incompatibility, not only the first', () => {
    const reader = record('Order', [
      { name: 'a', type: 'int' },
      { name: 'b', type: { type: 'fixed', name: 'F', size: 4 } },
      { name: 'c', type: 'string' },
    ]);
    const writer = record('Order', [
      { name: 'a', type: 'long' },
      { name: 'b', type: { type: 'fixed', name: 'G', size: 8 } },
    ]);
    expect(lines(reader, writer)).toEqual([
      '/fields/a/type: reader int cannot read writer long',
      '/fields/b/type/name: reader fixed name "F" does not match writer name "G"',
      '/fields/b/type/size: reader fixed size 4 does not match writer size 8',
      '/fields/c: reader field "c" has no default and is missing in the writer',
    ]);
  });

  it('reports a shared named type at each place it is used', () => {
    // Avro Java repeats the first place's location for a memoized pair; each path here is where it occurs.
    const money = (amount: string) => ({ type: 'record', name: 'Money', fields: [{ name: 'amount', type: amount }] });
    const order = (amount: string) =>
      record('Order', [
        { name: 'price', type: money(amount) },
        { name: 'tax', type: 'Money' },
      ]);
    expect(lines(order('double'), order('string'))).toEqual([
      '/fields/price/type/fields/amount/type: reader double cannot read writer string',
      '/fields/tax/type/fields/amount/type: reader double cannot read writer string',
    ]);
  });
});

describe('unions', () => {
  it('a reader union reads a writer type that one of its branches reads', () => {
    expect(check(['null', 'long'], 'int').compatible).toBe(true);
    expect(lines(['null', 'string'], 'int')).toEqual(['/: no branch of reader union [null, string] can read writer int']);
  });

  it('every branch of a writer union must be readable', () => {
    expect(check('double', ['int', 'float']).compatible).toBe(true);
    const reader = record('Account', [{ name: 'age', type: 'int' }]);
    const writer = record('Account', [{ name: 'age', type: ['null', 'int'], default: null }]);
    expect(lines(reader, writer)).toEqual(['/fields/age/type/0: reader int cannot read writer null']);
  });

  it('union to union reports each writer branch no reader branch reads', () => {
    expect(lines(['int', 'string'], ['int', 'string', 'long'])).toEqual([
      '/2: no branch of reader union [int, string] can read writer branch long',
    ]);
    expect(check(['string', 'int'], ['int', 'string']).compatible).toBe(true);
    expect(check(['null', 'string'], []).compatible).toBe(true);
  });

  it('matches named branches by name', () => {
    const a = { type: 'record', name: 'A', fields: [] };
    const b = { type: 'record', name: 'B', fields: [] };
    expect(check(['null', a], ['null', { ...a }]).compatible).toBe(true);
    expect(check(['null', a], ['null', b]).incompatibilities.map((i) => i.path)).toEqual(['/1']);
  });
});

describe('names, namespaces and aliases', () => {
  it('compares unqualified names, as Avro Java does', () => {
    const inNs = (ns: string) => ({ type: 'enum', name: 'Status', namespace: ns, symbols: ['A'] });
    expect(check(inNs('com.acme.v2'), inNs('com.acme.v1')).compatible).toBe(true);
    expect(check(record('com.acme.Order', []), record('Order', [])).compatible).toBe(true);
    expect(lines(record('Order', []), record('Purchase', []))).toEqual([
      '/name: reader record name "Order" does not match writer name "Purchase"',
    ]);
  });

  it('lets a reader alias match the writer full name', () => {
    expect(check(record('Purchase', [], { aliases: ['Order'] }), record('Order', [])).compatible).toBe(true);
    // An unqualified alias takes the reader's namespace, so it must match the writer's full name.
    expect(check(record('v2.Purchase', [], { aliases: ['Order'] }), record('v2.Order', [])).compatible).toBe(true);
    expect(check(record('v2.Purchase', [], { aliases: ['Order'] }), record('v1.Order', [])).compatible).toBe(false);
    expect(check(record('v2.Purchase', [], { aliases: ['v1.Order'] }), record('v1.Order', [])).compatible).toBe(true);
  });

  it('reads a renamed field through a reader field alias', () => {
    const reader = record('Order', [{ name: 'total', type: 'long', aliases: ['amount'] }]);
    const writer = record('Order', [{ name: 'amount', type: 'int' }]);
    expect(check(reader, writer).compatible).toBe(true);
    expect(check(writer, reader).compatible).toBe(false); // writer aliases do not count
  });

  it('refuses a reader field that matches several writer fields (Avro Java throws)', () => {
    const reader = record('Order', [{ name: 'total', type: 'long', aliases: ['amount'] }]);
    const writer = record('Order', [
      { name: 'total', type: 'long' },
      { name: 'amount', type: 'long' },
    ]);
    expect(() => check(reader, writer)).toThrow(SchemaParseError);
  });
});

describe('enum defaults', () => {
  const status = (symbols: string[], def?: string) => ({ type: 'enum', name: 'Status', symbols, ...(def ? { default: def } : {}) });

  it('maps unknown writer symbols to the reader default', () => {
    expect(check(status(['UNKNOWN', 'PAID'], 'UNKNOWN'), status(['UNKNOWN', 'PAID', 'REFUNDED'])).compatible).toBe(true);
  });

  it('does not treat an enum default as a field default', () => {
    const reader = record('Order', [{ name: 'status', type: status(['UNKNOWN', 'PAID'], 'UNKNOWN') }]);
    expect(lines(reader, record('Order', []))).toEqual([
      '/fields/status/type: reader field "status" has no default and is missing in the writer (an enum default symbol is not a field default)',
    ]);
  });

  it('does not let a field default stand in for unknown symbols', () => {
    const reader = record('Order', [{ name: 'status', type: status(['PAID']), default: 'PAID' }]);
    const writer = record('Order', [{ name: 'status', type: status(['PAID', 'REFUNDED']) }]);
    expect(lines(reader, writer)).toEqual([
      '/fields/status/type/symbols: writer symbol "REFUNDED" is missing in the reader enum and the reader has no default',
    ]);
  });
});

describe('recursive types', () => {
  const list = (head: string) =>
    record('Node', [
      { name: 'head', type: head },
      { name: 'next', type: ['null', 'Node'], default: null },
    ]);

  it('terminates and promotes through the recursion', () => {
    expect(check(list('long'), list('int')).compatible).toBe(true);
    expect(lines(list('int'), list('long'))).toEqual(['/fields/head/type: reader int cannot read writer long']);
  });

  it('handles mutual recursion', () => {
    const tree = (value: string) =>
      record('Tree', [
        { name: 'value', type: value },
        { name: 'children', type: { type: 'array', items: record('Branch', [{ name: 'tree', type: 'Tree' }]) } },
      ]);
    expect(check(tree('double'), tree('float')).compatible).toBe(true);
    expect(lines(tree('float'), tree('double'))).toEqual(['/fields/value/type: reader float cannot read writer double']);
  });
});

describe('logical types', () => {
  it('play no part, as in Avro Java: only the underlying types are compared', () => {
    const decimal = (precision: number, scale: number) => ({ type: 'bytes', logicalType: 'decimal', precision, scale });
    expect(check(decimal(4, 2), decimal(10, 4)).compatible).toBe(true);
    expect(check({ type: 'long', logicalType: 'timestamp-millis' }, { type: 'int', logicalType: 'date' }).compatible).toBe(true);
    expect(check({ type: 'int', logicalType: 'date' }, { type: 'long', logicalType: 'timestamp-millis' }).compatible).toBe(false);
  });
});

describe('checkCompatibility levels', () => {
  const run = (level: CompatibilityLevel, proposed: object, previous: object[]) => checkCompatibility(proposed, previous, level);

  it('BACKWARD checks the new schema reading the latest version only; _TRANSITIVE reads all', () => {
    expect(run('BACKWARD', V4, [V1, V2, V3]).compatible).toBe(true);
    const required = payment([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'long' },
      { name: 'note', type: ['null', 'string'] },
    ]);
    // Required "note" is readable from V2 (which has it) but not from V1 or V3.
    expect(run('BACKWARD', required, [V1, V3, V2]).compatible).toBe(true);
    const transitive = run('BACKWARD_TRANSITIVE', required, [V1, V3, V2]);
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages).toEqual([
      'new schema cannot read version 2: /fields/note: reader field "note" has no default and is missing in the writer',
      'new schema cannot read version 1: /fields/note: reader field "note" has no default and is missing in the writer',
    ]);
  });

  it('FORWARD checks the latest version reading the new schema; _TRANSITIVE every version', () => {
    // V1 (amount int) cannot read long amounts; V3 can.
    expect(run('FORWARD', V4, [V1, V3]).compatible).toBe(true);
    const result = run('FORWARD_TRANSITIVE', V4, [V1, V3]);
    expect(result.compatible).toBe(false);
    expect(result.messages).toEqual(['version 1 cannot read new schema: /fields/amount/type: reader int cannot read writer long']);
    expect(result.incompatibilities[0]).toMatchObject({ direction: 'old-reads-new', version: 1, kind: 'TYPE_MISMATCH' });
  });

  it('FULL checks both directions against the latest; FULL_TRANSITIVE against all', () => {
    expect(run('FULL', V2, [V1]).messages).toEqual([
      'version 1 cannot read new schema: /fields/amount/type: reader int cannot read writer long',
    ]);
    const withRequired = payment([
      { name: 'id', type: 'int' },
      { name: 'amount', type: 'long' },
    ]);
    expect(run('FULL', withRequired, [V1, V3]).messages).toEqual([
      'new schema cannot read version 2: /fields/id/type: reader int cannot read writer string',
      'version 2 cannot read new schema: /fields/id/type: reader string cannot read writer int',
    ]);
    expect(run('FULL', V3, [V1, V2]).compatible).toBe(true);
    expect(run('FULL_TRANSITIVE', V3, [V1, V2]).messages).toEqual([
      'version 1 cannot read new schema: /fields/amount/type: reader int cannot read writer long',
    ]);
  });

  it('NONE and an empty history are always compatible', () => {
    expect(run('NONE', { type: 'string' }, [V1])).toEqual({ compatible: true, level: 'NONE', messages: [], incompatibilities: [] });
    expect(run('FULL_TRANSITIVE', V1, []).compatible).toBe(true);
  });

  it('labels versions with given numbers and accepts JSON text', () => {
    const result = checkCompatibility(JSON.stringify(V3), [JSON.stringify(V1)], 'FORWARD', { versions: [7] });
    expect(result.messages).toEqual(['version 7 cannot read new schema: /fields/amount/type: reader int cannot read writer long']);
  });

  it('throws SchemaParseError for invalid input, even at NONE', () => {
    expect(() => checkCompatibility('{"type": "recrod"}', [], 'NONE')).toThrow(SchemaParseError);
    expect(() => checkCompatibility(V1, ['not json'], 'BACKWARD')).toThrow(/not valid JSON/);
  });
});
