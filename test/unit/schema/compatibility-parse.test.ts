import { describe, expect, it } from 'vitest';
import { checkReaderWriter, parseSchema, SchemaParseError } from '../../../src/schema/compatibility/index.js';

// Validity follows Avro 1.12.0's Schema.Parser (the version Apicurio Registry 3.0 runs), so that a
// schema the registry would refuse is refused here too, and the other way round.
const valid = (text: string) => expect(() => parseSchema(text)).not.toThrow();
const invalid = (text: string, message?: RegExp) => {
  expect(() => parseSchema(text)).toThrow(SchemaParseError);
  if (message) expect(() => parseSchema(text)).toThrow(message);
};
const rec = (fields: string, extra = '') => `{"type":"record","name":"R"${extra},"fields":[${fields}]}`;

describe('parseSchema', () => {
  it('rejects text that is not JSON, or has content after the schema', () => {
    invalid('{"type": "int"', /not valid JSON/);
    invalid('"int" x', /not valid JSON/);
    invalid('int', /not valid JSON/);
    valid(' "int" ');
  });

  it('accepts already parsed objects', () => {
    expect(parseSchema({ type: 'array', items: 'long' })).toEqual({ type: 'array', items: { type: 'long' } });
    expect(() => parseSchema({ type: 'map' })).toThrow(/has no "values"/);
  });

  it('rejects structures that are not Avro', () => {
    invalid('42', /not an Avro schema/);
    invalid('{"type": {"type": "int"}}', /string "type"/);
    invalid('{"type": "record", "name": "R"}', /"fields" array/);
    invalid('{"type": "enum", "name": "E", "symbols": ["A", "A"]}', /twice/);
    invalid('{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}', /not one of its symbols/);
    invalid('{"type": "fixed", "name": "F", "size": 4.0}', /size/);
    invalid('["int", "int"]', /twice/);
    invalid('["null", ["int"]]', /union/);
    invalid(rec('{"name": "a", "type": "int"}, {"name": "a", "type": "long"}'), /two fields named "a"/);
    invalid(rec('{"name": "a", "type": "int", "order": "up"}'), /order/);
  });

  it('validates names as Avro Java does', () => {
    invalid('{"type": "record", "name": "1R", "fields": []}', /not a valid Avro name/);
    invalid('{"type": "record", "name": "R", "namespace": "com..acme", "fields": []}', /namespace/);
    invalid('{"type": "record", "name": "int", "fields": []}', /may not be called/);
    invalid(rec('{"name": "my-field", "type": "int"}'), /field name/);
    invalid('{"type": "enum", "name": "E", "symbols": ["ok", "not ok"]}', /symbol/);
    valid('{"type": "record", "name": "Größe", "fields": []}');
  });

  it('resolves named types with namespaces, and rejects unknown ones', () => {
    const s = parseSchema(
      rec(
        `{"name": "a", "type": {"type": "enum", "name": "Status", "symbols": ["A"]}},
         {"name": "b", "type": "Status"},
         {"name": "c", "type": "com.acme.Status"},
         {"name": "d", "type": {"type": "fixed", "name": "Id", "namespace": "other", "size": 16}},
         {"name": "e", "type": "other.Id"}`,
        ',"namespace":"com.acme"',
      ),
    );
    if (s.type !== 'record') throw new Error('expected a record');
    const [a, b, c, d, e] = s.fields.map((f) => f.type);
    expect(a).toMatchObject({ type: 'enum', fullName: 'com.acme.Status' });
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(d).toMatchObject({ fullName: 'other.Id', namespace: 'other', name: 'Id' });
    expect(e).toBe(d);
    invalid(rec('{"name": "a", "type": "Missing"}'), /unknown named type "Missing"/);
    invalid(rec('{"name": "a", "type": "Id"}'), /unknown named type/);
  });

  it('accepts forward references, found by the qualified name only (Avro 1.12)', () => {
    valid(rec('{"name": "a", "type": "Later"}, {"name": "b", "type": {"type": "record", "name": "Later", "fields": []}}'));
    // Defined further on in the null namespace while referenced from namespace "ns": Java looks for "ns.Later".
    invalid(
      rec('{"name": "a", "type": "Later"}, {"name": "b", "type": {"type": "record", "name": "Later", "namespace": "", "fields": []}}', ',"namespace":"ns"'),
      /unknown named type "ns.Later"/,
    );
  });

  it('validates field defaults by Avro 1.12 rules', () => {
    valid(rec('{"name": "a", "type": "int", "default": 1}'));
    invalid(rec('{"name": "a", "type": "int", "default": 1.0}'), /invalid default 1\.0/);
    invalid(rec('{"name": "a", "type": "int", "default": 2147483648}'), /invalid default/);
    valid(rec('{"name": "a", "type": "long", "default": 9223372036854775807}'));
    valid(rec('{"name": "a", "type": "double", "default": "NaN"}'));
    invalid(rec('{"name": "a", "type": "double", "default": "lots"}'), /non-numeric/);
    valid(rec('{"name": "a", "type": ["null", "string"], "default": "any branch"}'));
    invalid(rec('{"name": "a", "type": ["null", "string"], "default": 1}'), /invalid default/);
    valid(rec('{"name": "a", "type": "string", "default": null}'.replace('"string"', '"null"')));
    valid(rec('{"name": "a", "type": {"type": "map", "values": "long"}, "default": {"x": 1}}'));
    valid(rec('{"name": "a", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int", "default": 0}]}, "default": {}}'));
    invalid(rec('{"name": "a", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}, "default": {}}'));
  });

  it('checks a default where Avro Java parses it: a later type is still a placeholder record', () => {
    invalid(rec('{"name": "a", "type": "S", "default": "A"}, {"name": "b", "type": {"type": "enum", "name": "S", "symbols": ["A"]}}'), /invalid default/);
    invalid('{"type":"record","name":"Node","fields":[{"name":"next","type":"Node","default":{}}]}', /before its fields/);
    valid('{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}');
  });

  it('follows Avro 1.12.0 on repeated definitions', () => {
    const address = '{"type": "record", "name": "Address", "fields": [{"name": "s", "type": "string"}]}';
    invalid(rec(`{"name": "a", "type": ${address}}, {"name": "b", "type": ${address}}`), /defined twice/);
    const e = '{"type": "enum", "name": "E", "symbols": ["A"]}';
    valid(rec(`{"name": "a", "type": ${e}}, {"name": "b", "type": ${e}}`));
    invalid(rec(`{"name": "a", "type": ${e}}, {"name": "b", "type": {"type": "enum", "name": "E", "symbols": ["B"]}}`), /defined twice/);
    // Inside a record still being parsed, a record of the same name "equals" it; it stays a separate type.
    const nested = parseSchema(rec('{"name": "a", "type": {"type": "record", "name": "R", "fields": [{"name": "x", "type": "int"}]}}'));
    if (nested.type !== 'record') throw new Error('expected a record');
    expect(nested.fields[0]?.type).toMatchObject({ type: 'record', fullName: 'R', fields: [{ name: 'x' }] });
  });

  it('parses recursive schemas into a cyclic graph the checker can walk', () => {
    const list = parseSchema('{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"],"default":null}]}');
    if (list.type !== 'record') throw new Error('expected a record');
    const next = list.fields[0]?.type;
    expect(next?.type === 'union' && next.branches[1]).toBe(list);
    expect(checkReaderWriter(list, list).compatible).toBe(true);
  });
});
