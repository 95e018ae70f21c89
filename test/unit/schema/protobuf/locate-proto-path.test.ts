import { describe, expect, it } from 'vitest';
import { compareProtos, locateProtoPath, parseProto } from '../../../../src/schema/protobuf/index.js';

const source = [
  'syntax = "proto3";', //                                      1
  'package shop;', //                                           2
  '', //                                                        3
  '/* message Decoy { int32 id = 1; } */', //                   4
  'message Order {', //                                         5
  '  string id = 1 [json_name = "a;b}"]; // } not the end', //  6
  '  oneof payment { string card = 2; string iban = 0x3; }', // 7
  '  map<string, int32> counts = 4;', //                        8
  '  message Line { int64 qty = 1; }', //                       9
  '  enum State { NEW = 0; PAID = 1; }', //                     10
  '}', //                                                       11
  'enum Kind {', //                                             12
  '  KIND_A = 0; KIND_B = -1;', //                              13
  '}', //                                                       14
].join('\n');

describe('locateProtoPath', () => {
  const parsed = parseProto(source, 'orders.proto');

  it.each([
    ['#/', 2, 1],
    ['#/Order', 5, 9],
    ['#/Order/1', 6, 10],
    ['#/Order/payment', 7, 9],
    ['#/Order/payment/2', 7, 26],
    ['#/Order/payment/3', 7, 43],
    ['#/Order/3', 7, 43], // a oneof member at its plain path, where it is when it leaves the oneof
    ['#/Order/4', 8, 22],
    ['#/Order/Line', 9, 11],
    ['#/Order/Line/1', 9, 24],
    ['#/Order/State/1', 10, 25],
    ['#/Kind/-1', 13, 15],
  ])('finds %s at %i:%i', (path, line, column) => {
    expect(locateProtoPath(parsed, path)).toEqual({ file: 'orders.proto', line, column });
  });

  it('points a path the file does not have at its nearest ancestor', () => {
    expect(locateProtoPath(parsed, '#/Order/Line/7')).toEqual({ file: 'orders.proto', line: 9, column: 11 });
  });

  it('finds nothing for a type the file does not declare', () => {
    expect(locateProtoPath(parsed, '#/Decoy/1')).toBeUndefined();
  });

  it('points #/ at the top of a file without a package', () => {
    expect(locateProtoPath(parseProto('syntax = "proto3";\nmessage M {}\n'), '#/')).toEqual({ file: '<schema>', line: 1, column: 10 });
  });

  it("finds a difference inside an imported message in the imported file", () => {
    const doc = 'syntax = "proto3";\nimport "shop/money.proto";\nmessage Order { shop.Money total = 1; }\n';
    const money = (t: string) => `syntax = "proto3";\npackage shop;\nmessage Money {\n  ${t} units = 1;\n}\n`;
    const update = parseProto(doc, 'orders.proto', { 'shop/money.proto': money('string') });
    const differences = compareProtos(parseProto(doc, 'orders.proto', { 'shop/money.proto': money('int64') }), update);
    expect(differences.map((d) => [d.type, d.path, locateProtoPath(update, d.path)])).toEqual([
      ['FIELD_SCALAR_KIND_CHANGED', '#/Money/1', { file: 'shop/money.proto', line: 4, column: 10 }],
      ['FIELD_NAMED_TYPE_CHANGED', '#/Order/1', { file: 'orders.proto', line: 3, column: 28 }],
    ]);
  });
});
