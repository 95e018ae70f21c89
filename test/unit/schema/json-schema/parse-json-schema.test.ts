import { describe, expect, it } from 'vitest';
import { SchemaParseError } from '../../../../src/schema/compatibility/errors.js';
import { compareJsonSchemas, JsonSchemaParseError, parseJsonSchema } from '../../../../src/schema/json-schema/index.js';

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

function parseError(text: string, file?: string, references?: Record<string, string>): JsonSchemaParseError {
  try {
    parseJsonSchema(text, file, references);
  } catch (err) {
    expect(err).toBeInstanceOf(JsonSchemaParseError);
    return err as JsonSchemaParseError;
  }
  throw new Error('expected a parse error');
}

describe('parseJsonSchema: not JSON', () => {
  it('reports the line and column of a syntax error', () => {
    const err = parseError('{\n  "type": "object",\n  "properties": {\n    "a": {"type": "string",}\n  }\n}', 'schemas/order.json');
    expect({ file: err.file, line: err.line, column: err.column }).toEqual({ file: 'schemas/order.json', line: 4, column: 28 });
    expect(err.message).toBe('schemas/order.json:4:28: not valid JSON: property name expected');
  });

  it('rejects comments and trailing content, as the registry does', () => {
    expect(parseError('{"type": "string"} // note').message).toMatch(/^<schema>:1:20: not valid JSON/);
    expect(parseError('{"type": "string"} {}').message).toMatch(/^<schema>:1:20: not valid JSON/);
  });

  it('skips a byte order mark, keeping positions', () => {
    expect(parseJsonSchema('\uFEFF{"type": "string"}').draft).toBe('draft-07');
    expect(parseError('\uFEFF{"type": 12}').message).toMatch(/^<schema>:1:10: /);
  });

  it('rejects an empty file', () => {
    expect(parseError('   ', 'empty.json').message).toBe('empty.json:1:4: not valid JSON: value expected');
  });
});

describe('parseJsonSchema: not a JSON Schema', () => {
  it('rejects {"type": 12}, naming the keyword and where it is, as an exit-2 SchemaParseError', () => {
    const err = parseError('{"type": 12}', 'bad.json');
    expect(err).toBeInstanceOf(SchemaParseError);
    expect(err.message).toMatch(/^bad\.json:1:10: not a valid JSON Schema \(draft-07\): "type" at #\/type must be one of "array", "boolean"/);
    expect(err.reason).toContain('"type"');
  });

  it('points at a nested keyword', () => {
    const err = parseError('{\n  "properties": {\n    "age": {"type": "integer", "minimum": "0"}\n  }\n}', 'person.json');
    expect(err.message).toBe('person.json:3:43: not a valid JSON Schema (draft-07): "minimum" at #/properties/age/minimum must be number');
  });

  it('rejects a document that is neither an object nor a boolean', () => {
    expect(parseError('[]').message).toBe('<schema>:1:1: not a valid JSON Schema (draft-07): the schema must be object or boolean');
  });

  it('accepts boolean schemas', () => {
    expect(parseJsonSchema('true').draft).toBe('draft-07');
  });
});

describe('parseJsonSchema: drafts', () => {
  it('uses draft-07 without $schema, and for a $schema it does not know, as the registry does', () => {
    expect(parseJsonSchema('{"type": "string"}').draft).toBe('draft-07');
    expect(parseJsonSchema('{"$schema": "http://example.com/my-meta", "type": "string"}').draft).toBe('draft-07');
    expect(parseJsonSchema('{"$schema": "https://json-schema.org/draft-07/schema#"}').draft).toBe('draft-07');
  });

  it('picks 2020-12 by $schema and validates against its meta-schema', () => {
    // prefixItems means nothing to draft-07, so anything goes there; 2020-12 requires an array.
    expect(parseJsonSchema('{"prefixItems": {}}').draft).toBe('draft-07');
    expect(parseJsonSchema(`{"$schema": "${DRAFT_2020}", "prefixItems": [{"type": "string"}]}`).draft).toBe('2020-12');
    expect(parseError(`{"$schema": "${DRAFT_2020}", "prefixItems": {}}`).message).toMatch(
      /^<schema>:1:\d+: not a valid JSON Schema \(2020-12\): "prefixItems" at #\/prefixItems must be array$/,
    );
  });

  it('refuses drafts it does not model, pointing at $schema', () => {
    const err = parseError('{\n  "$schema": "http://json-schema.org/draft-04/schema#"\n}');
    expect(err.message).toBe('<schema>:2:14: JSON Schema draft-04 is not supported: use draft-07 or 2020-12');
  });
});

describe('parseJsonSchema: $ref and schema references', () => {
  const customer = (nameType: string) => JSON.stringify({ type: 'object', properties: { name: { type: nameType } } });
  const order = '{\n  "type": "object",\n  "properties": {\n    "customer": {"$ref": "customer.json"}\n  }\n}';

  it('follows a reference by the name $ref uses', () => {
    const before = parseJsonSchema(order, 'order.json', { 'customer.json': customer('string') });
    const after = parseJsonSchema(order, 'order.json', { 'customer.json': customer('integer') });
    expect(compareJsonSchemas(before, after).map((d) => `${d.type} ${d.path}`)).toEqual([
      'TYPE_CHANGED #/properties/customer/properties/name',
    ]);
  });

  it('resolves references against the schema $id, and JSON pointers into them', () => {
    const schema = JSON.stringify({
      $id: 'https://example.com/schemas/order.json',
      properties: { name: { $ref: 'customer.json#/properties/name' } },
    });
    const parsed = parseJsonSchema(schema, 'order.json', { 'customer.json': customer('string') });
    const changed = parseJsonSchema(schema, 'order.json', { 'customer.json': customer('boolean') });
    expect(compareJsonSchemas(parsed, changed).map((d) => d.type)).toEqual(['TYPE_CHANGED']);
  });

  it('reports a $ref to a reference it was not given, at its value', () => {
    expect(parseError(order, 'order.json').message).toBe(
      'order.json:4:26: $ref "customer.json" names no schema in this file or its references',
    );
  });

  it('reports a local $ref that points at nothing', () => {
    const err = parseError('{\n  "properties": {\n    "a": {"$ref": "#/definitions/missing"}\n  }\n}', 'a.json');
    expect(err.message).toBe('a.json:3:19: $ref "#/definitions/missing" points at nothing: no "/definitions/missing" in that schema');
  });

  it('reports a reference that is not a valid schema under its own name', () => {
    const err = parseError(order, 'order.json', { 'customer.json': '{"type": "objet"}' });
    expect(err.file).toBe('customer.json');
    expect(err.message).toMatch(/^customer\.json:1:10: not a valid JSON Schema \(draft-07\): "type" at #\/type/);
  });

  it('checks $refs in unused 2020-12 $defs, which json-sKema loads, but not in unused draft-07 definitions', () => {
    expect(parseError(`{"$schema": "${DRAFT_2020}", "$defs": {"a": {"$ref": "#/$defs/b"}}}`).reason).toBe(
      '$ref "#/$defs/b" points at nothing: no "/$defs/b" in that schema',
    );
    expect(parseJsonSchema('{"definitions": {"a": {"$ref": "#/definitions/b"}}}').draft).toBe('draft-07');
  });

  it('finds #/$defs/x in definitions, as the registry copies definitions into $defs', () => {
    const schema = (t: string) => JSON.stringify({ properties: { a: { $ref: '#/$defs/A' } }, definitions: { A: { type: t } } });
    const diffs = compareJsonSchemas(parseJsonSchema(schema('string')), parseJsonSchema(schema('number')));
    expect(diffs.map((d) => `${d.type} ${d.path}`)).toEqual(['TYPE_CHANGED #/properties/a']);
  });

  it('follows 2020-12 $defs and $anchor', () => {
    const schema = (t: string) =>
      JSON.stringify({
        $schema: DRAFT_2020,
        properties: { a: { $ref: '#/$defs/A' }, b: { $ref: '#bee' } },
        $defs: { A: { type: t }, B: { $anchor: 'bee', type: t } },
      });
    const diffs = compareJsonSchemas(parseJsonSchema(schema('string')), parseJsonSchema(schema('number')));
    expect(diffs.map((d) => `${d.type} ${d.path}`).sort()).toEqual(['TYPE_CHANGED #/properties/a', 'TYPE_CHANGED #/properties/b']);
  });
});
