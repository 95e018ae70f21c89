import { describe, expect, it } from 'vitest';
import { compareProtos, COMPATIBLE_DIFFERENCE_TYPES, parseProto, PROTO_DIFFERENCE_TYPES } from '../../../../src/schema/protobuf/index.js';

function diff(original: string, update: string, references: { original?: Record<string, string>; update?: Record<string, string> } = {}): string[] {
  return compareProtos(parseProto(original, 'v1.proto', references.original), parseProto(update, 'v2.proto', references.update)).map(
    (d) => `${d.type} ${d.path}${d.compatible ? '' : ' (incompatible)'}`,
  );
}

const proto3 = (body: string) => `syntax = "proto3";\npackage shop;\n${body}\n`;
const proto2 = (body: string) => `syntax = "proto2";\npackage shop;\n${body}\n`;

describe('compareProtos', () => {
  it("uses Confluent's difference types and compatible set", () => {
    expect(PROTO_DIFFERENCE_TYPES).toHaveLength(26);
    expect([...COMPATIBLE_DIFFERENCE_TYPES].every((t) => PROTO_DIFFERENCE_TYPES.includes(t))).toBe(true);
    expect(COMPATIBLE_DIFFERENCE_TYPES.has('FIELD_SCALAR_KIND_CHANGED')).toBe(false);
  });

  it('returns every difference, each with a sentence naming the message and field', () => {
    const differences = compareProtos(
      parseProto(proto3('message Order {\n  string id = 1;\n  int32 qty = 2;\n  message Line { int64 sku = 1; }\n}')),
      parseProto(proto3('message Order {\n  string order_id = 1;\n  string qty = 2;\n  bool gift = 3;\n  message Line { sint64 sku = 1; }\n}')),
    );
    expect(differences).toEqual([
      { type: 'FIELD_NAME_CHANGED', path: '#/Order/1', compatible: true, message: "Field 1 of message 'Order' was renamed from 'id' to 'order_id'" },
      {
        type: 'FIELD_SCALAR_KIND_CHANGED',
        path: '#/Order/2',
        compatible: false,
        message: "Field 'qty' (2) of message 'Order' changed type from int32 to string, which do not read each other's values",
      },
      { type: 'FIELD_ADDED', path: '#/Order/3', compatible: true, message: "Field 'gift' (3) was added to message 'Order'" },
      {
        type: 'FIELD_SCALAR_KIND_CHANGED',
        path: '#/Order/Line/1',
        compatible: false,
        message: "Field 'sku' (1) of message 'Order.Line' changed type from int64 to sint64, which do not read each other's values",
      },
    ]);
  });

  it('checks forward compatibility by swapping the arguments, as Confluent does', () => {
    const v1 = proto2('message Order { optional string id = 1; }');
    const v2 = proto2('message Order { optional string id = 1; required int32 qty = 2; }');
    expect(diff(v1, v2)).toEqual(['REQUIRED_FIELD_ADDED #/Order/2 (incompatible)']); // backward: new readers need qty
    expect(diff(v2, v1)).toEqual(['REQUIRED_FIELD_REMOVED #/Order/2 (incompatible)']); // forward: old readers need it
  });

  it('compares nested enums by number', () => {
    const v1 = proto3('message Order { State state = 1; enum State { NEW = 0; PAID = 1; SHIPPED = 2; } }');
    const v2 = proto3('message Order { State state = 1; enum State { NEW = 0; SETTLED = 1; CANCELLED = 3; } }');
    expect(diff(v1, v2)).toEqual(['ENUM_CONST_CHANGED #/Order/State/1', 'ENUM_CONST_REMOVED #/Order/State/2', 'ENUM_CONST_ADDED #/Order/State/3']);
  });

  it('compares the key and value types of maps', () => {
    expect(diff(proto3('message M { map<string, int32> m = 1; }'), proto3('message M { map<int32, int64> m = 1; }'))).toEqual([
      'FIELD_SCALAR_KIND_CHANGED #/M/1 (incompatible)',
    ]);
    // A map and its wire-equivalent repeated entry message are different kinds to Confluent.
    expect(diff(proto3('message M { map<string, int32> m = 1; }'), proto3('message M { repeated E m = 1; message E { string key = 1; int32 value = 2; } }'))).toEqual([
      'FIELD_KIND_CHANGED #/M/1 (incompatible)',
      'MESSAGE_ADDED #/M/E',
    ]);
  });

  it('compares a changed import where a field uses it, once per recursion', () => {
    const doc = 'syntax = "proto3";\nimport "tree.proto";\nmessage Doc { tree.Node root = 1; }\n';
    const tree = (v: string) => `syntax = "proto3";\npackage tree;\nmessage Node { Node child = 1; ${v} value = 2; }\n`;
    expect(diff(doc, doc, { original: { 'tree.proto': tree('int32') }, update: { 'tree.proto': tree('string') } })).toEqual([
      'FIELD_SCALAR_KIND_CHANGED #/Node/2 (incompatible)',
      'FIELD_NAMED_TYPE_CHANGED #/Doc/1 (incompatible)',
    ]);
    // The same import text on both sides is the same version: not compared again.
    expect(diff(doc, doc, { original: { 'tree.proto': tree('int32') }, update: { 'tree.proto': tree('int32') } })).toEqual([]);
  });

  it('takes an import whose own imports changed for a new version of it', () => {
    const doc = 'syntax = "proto3";\nimport "money.proto";\nmessage Order { shop.Money total = 1; }\n';
    const money = 'syntax = "proto3";\npackage shop;\nimport "units.proto";\nmessage Money { Units units = 1; }\n';
    const units = (t: string) => `syntax = "proto3";\npackage shop;\nmessage Units { ${t} value = 1; }\n`;
    expect(diff(doc, doc, { original: { 'money.proto': money, 'units.proto': units('int64') }, update: { 'money.proto': money, 'units.proto': units('double') } })).toEqual([
      'FIELD_SCALAR_KIND_CHANGED #/Units/1 (incompatible)',
      'FIELD_NAMED_TYPE_CHANGED #/Money/1 (incompatible)',
      'FIELD_NAMED_TYPE_CHANGED #/Order/1 (incompatible)',
    ]);
  });

  describe('where Confluent misses a breaking change (kept, to agree with Confluent)', () => {
    it('a proto3 field without a label that becomes repeated', () => {
      // Confluent compares labels only when both sides have one; a packed repeated int32 is not a singular one.
      expect(diff(proto3('message M { int32 n = 1; }'), proto3('message M { repeated int32 n = 1; }'))).toEqual([]);
    });

    it('a proto2 field that becomes required', () => {
      expect(diff(proto2('message M { optional string s = 1; }'), proto2('message M { required string s = 1; }'))).toEqual([
        'FIELD_STRING_OR_BYTES_LABEL_CHANGED #/M/1',
      ]);
      expect(diff(proto2('message M { optional M m = 1; }'), proto2('message M { required M m = 1; }'))).toEqual([]);
    });

    it('a field whose enum type changes', () => {
      expect(diff(proto3('message M { A e = 1; } enum A { A0 = 0; } enum B { B0 = 0; }'), proto3('message M { B e = 1; } enum A { A0 = 0; } enum B { B0 = 0; }'))).toEqual([]);
    });

    it('any change inside a proto2 group', () => {
      expect(diff(proto2('message M { optional group G = 1 { optional int32 a = 2; } }'), proto2('message M { optional group G = 1 { optional string a = 2; } }'))).toEqual([]);
    });

    it('a change of syntax or of a default value', () => {
      expect(diff(proto2('message M { optional int32 n = 1 [default = 5]; }'), proto3('message M { optional int32 n = 1; }'))).toEqual([]);
    });
  });
});
