import { describe, expect, it } from 'vitest';
import { checkOffline } from '../../../src/schema/compatibility-check.js';
import { parseSchemaFileText } from '../../../src/schema/schema-file.js';
import { importsOf } from '../../../src/schema/schema-formats.js';
import { parseReference, schemaTypeOf } from '../../../src/schema/schema-types.js';

const proto = (path: string, text: string) => ({ path, ...parseSchemaFileText(path, text, 'PROTOBUF') });
const V1 = 'syntax = "proto3";\nmessage A {\n  string id = 1;\n  string note = 2;\n}\n';
// Drops `note`: backward compatible (Confluent allows removing a field).
const V2 = 'syntax = "proto3";\nmessage A {\n  string id = 1;\n}\n';
// id becomes a number: neither side reads the other.
const V3 = 'syntax = "proto3";\nmessage A {\n  int64 id = 1;\n}\n';

describe('schemaTypeOf', () => {
  it('goes by --type, else the extension, and tells Avro from JSON Schema in a .json file by its content', () => {
    expect(schemaTypeOf('a.avsc', '{}')).toBe('AVRO');
    expect(schemaTypeOf('a.proto', '')).toBe('PROTOBUF');
    expect(schemaTypeOf('a.json', '{"type":"record","name":"A","fields":[]}')).toBe('AVRO');
    expect(schemaTypeOf('a.json', '["null","string"]')).toBe('AVRO');
    expect(schemaTypeOf('a.json', '{"type":"object","properties":{}}')).toBe('JSON');
    expect(schemaTypeOf('a.json', '{"type":"object"}', 'AVRO')).toBe('AVRO');
    expect(schemaTypeOf('a.json', 'not json')).toBe('JSON');
  });
});

describe('parseReference', () => {
  it('reads NAME=SUBJECT:VERSION and names the form when it is not', () => {
    expect(parseReference('common.proto=common-value:3')).toEqual({ name: 'common.proto', subject: 'common-value', version: 3 });
    expect(parseReference('a=b:c:2')).toEqual({ name: 'a', subject: 'b:c', version: 2 });
    expect(() => parseReference('common.proto=common-value')).toThrow(/NAME=SUBJECT:VERSION/);
  });
});

describe('importsOf', () => {
  it("lists a .proto's imports but the built-in google ones, and a JSON Schema's $refs to other documents", () => {
    expect(importsOf('PROTOBUF', 'import "a.proto";\nimport public "b/c.proto";\nimport "google/protobuf/timestamp.proto";')).toEqual(['a.proto', 'b/c.proto']);
    expect(importsOf('JSON', '{"a":{"$ref":"customer.json#/definitions/x"},"b":{"$ref":"#/definitions/y"},"c":{"$ref":"https://x/y.json"}}')).toEqual(['customer.json']);
  });
});

describe('checkOffline by differences', () => {
  it('applies the level: backward compares old with new, forward new with old, transitive every version', () => {
    expect(checkOffline(proto('v2', V2), [proto('v1', V1)], 'BACKWARD').compatible).toBe(true);
    const breaking = checkOffline(proto('v3', V3), [proto('v1', V1), proto('v2', V2)], 'BACKWARD');
    expect(breaking.messages).toEqual([expect.stringMatching(/^new schema cannot read version v2: #\/A\/1: FIELD_SCALAR_KIND_CHANGED/)]);
    expect(breaking.violations?.[0]).toMatchObject({ line: 3 });
    const forward = checkOffline(proto('v3', V3), [proto('v2', V2)], 'FORWARD');
    expect(forward.messages).toEqual([expect.stringMatching(/^version v2 cannot read new schema: /)]);
    expect(checkOffline(proto('v3', V3), [proto('v1', V1), proto('v2', V2)], 'BACKWARD_TRANSITIVE').messages).toHaveLength(2);
    expect(checkOffline(proto('v3', V3), [proto('v1', V1)], 'NONE').compatible).toBe(true);
  });

  it('refuses to compare schemas of different types', () => {
    const avro = { path: 'a.avsc', ...parseSchemaFileText('a.avsc', '"string"') };
    expect(() => checkOffline(proto('v1', V1), [avro], 'BACKWARD')).toThrow(/a subject keeps one schema type/);
  });
});
