import { describe, expect, it } from 'vitest';
import { compareJsonSchemas, locateJsonPointer, parseJsonSchema } from '../../../../src/schema/json-schema/index.js';

const ORDER = `{
  "type": "object",
  "properties": {
    "customer": {"$ref": "#/definitions/Customer"},
    "tags": {"type": "array", "items": {"type": "string"}}
  },
  "required": ["customer"],
  "definitions": {
    "Customer": {
      "type": "object",
      "properties": {
        "name": {"type": "string", "maxLength": 10}
      }
    }
  }
}`;

describe('locateJsonPointer', () => {
  const parsed = parseJsonSchema(ORDER, 'order.json');
  const at = (path: string) => locateJsonPointer(parsed, path);

  it('finds the key of the member a path names', () => {
    expect(at('#/')).toEqual({ line: 1, column: 1 });
    expect(at('#/properties/tags/items')).toEqual({ line: 5, column: 31 });
  });

  it('finds a required property in the required array', () => {
    expect(at('#/required/customer')).toEqual({ line: 7, column: 16 });
  });

  it('follows local $refs', () => {
    expect(at('#/properties/customer/properties/name/maxLength')).toEqual({ line: 12, column: 36 });
  });

  it('falls back to the nearest ancestor the file has', () => {
    expect(at('#/properties/gone')).toEqual({ line: 3, column: 3 });
  });

  it('skips an allOf the loader made up for several keywords', () => {
    const text = '{\n  "type": "string",\n  "enum": ["a"]\n}';
    const diffs = compareJsonSchemas(parseJsonSchema(text), parseJsonSchema('{"type": "string", "enum": ["a", "b"]}'));
    expect(diffs.map((d) => d.path)).toEqual([expect.stringMatching(/^#\/allOf\/\d\/enum$/)]);
    expect(locateJsonPointer(parseJsonSchema(text), diffs[0]?.path ?? '')).toEqual({ line: 3, column: 3 });
  });

  it('maps 2020-12 paths back to prefixItems, items and dependentRequired', () => {
    const text = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "prefixItems": [{"type": "string"}, {"type": "number"}],
  "items": false,
  "dependentRequired": {"a": ["b"]}
}`;
    const p = parseJsonSchema(text);
    expect(p.draft).toBe('2020-12');
    expect(locateJsonPointer(p, '#/items/1')).toEqual({ line: 3, column: 39 });
    expect(locateJsonPointer(p, '#/additionalItems')).toEqual({ line: 4, column: 3 });
    expect(locateJsonPointer(p, '#/dependencies/a')).toEqual({ line: 5, column: 25 });
  });
});
