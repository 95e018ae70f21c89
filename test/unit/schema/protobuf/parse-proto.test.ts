import { describe, expect, it } from 'vitest';
import { SchemaParseError } from '../../../../src/schema/compatibility/errors.js';
import { parseProto, ProtoParseError } from '../../../../src/schema/protobuf/index.js';

function parseError(text: string, references?: Record<string, string>): ProtoParseError {
  try {
    parseProto(text, 'orders.proto', references);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtoParseError);
    return err as ProtoParseError;
  }
  throw new Error('expected a parse error');
}

describe('parseProto errors', () => {
  it('names the file, line and column of a syntax error', () => {
    const err = parseError('syntax = "proto3";\nmessage Order {\n  int32 id = 1 2;\n}\n');
    expect(err).toBeInstanceOf(SchemaParseError); // the CLI's exit 2
    expect(err).toMatchObject({ file: 'orders.proto', line: 3, column: 16 });
    expect(err.message).toBe("orders.proto:3:16: illegal token '2', ';' expected");
  });

  it('gives no column when the offending token is not the only one of its kind on the line', () => {
    expect(parseError('syntax = "proto3";\nmessage Order {\n  int32 id = = 1;\n}\n')).toMatchObject({ line: 3, column: undefined, message: "orders.proto:3: illegal id '='" });
  });

  it('reports a missing semicolon at the token that follows', () => {
    expect(parseError('syntax = "proto3";\nmessage Order {\n  int32 id = 1\n}\n').message).toBe("orders.proto:4:1: illegal token '}', ';' expected");
  });

  it('reports an unterminated block by line', () => {
    const err = parseError('syntax = "proto3";\nmessage Order {\n  int32 id = 1;\n');
    expect(err).toMatchObject({ line: 4, column: undefined, reason: 'unexpected end of file' });
  });

  it('names an unknown type, the field and the message, where the field is', () => {
    const err = parseError('syntax = "proto3";\npackage shop;\nmessage Order {\n  oneof payment {\n    bank.Iban iban = 1;\n  }\n}\n');
    expect(err.message).toBe("orders.proto:5:15: unknown type 'bank.Iban' for field 'iban' of message 'Order'");
  });

  it('finds the second declaration of a duplicate field number', () => {
    expect(parseError('syntax = "proto3";\nmessage Order {\n  int32 id = 1;\n  string sku = 1;\n}\n').message).toBe('orders.proto:4:10: duplicate id 1 in Type Order');
  });

  it('finds a field that uses a reserved number', () => {
    expect(parseError('syntax = "proto3";\nmessage Order {\n  reserved 2;\n  int32 id = 2;\n}\n')).toMatchObject({ line: 4, column: 9 });
  });

  it('refuses a syntax other than proto2 and proto3', () => {
    expect(parseError('syntax = "proto4";\nmessage Order {}\n').message).toBe('orders.proto:1:10: unsupported syntax "proto4" (expected "proto2" or "proto3")');
  });

  it('refuses an import that is not a reference, at the import statement', () => {
    const err = parseError('syntax = "proto3";\nimport "shop/money.proto";\nmessage Order { shop.Money total = 1; }\n');
    expect(err.message).toBe('orders.proto:2:1: import "shop/money.proto" is not among the schema\'s references (and is not a built-in google/protobuf file)');
  });

  it('reports an error in a referenced file under its import path', () => {
    const err = parseError('syntax = "proto3";\nimport "shop/money.proto";\nmessage Order { shop.Money total = 1; }\n', {
      'shop/money.proto': 'syntax = "proto3";\npackage shop;\nmessage Money {\n  Currency currency = 1;\n}\n',
    });
    expect(err.message).toBe("shop/money.proto:4:12: unknown type 'Currency' for field 'currency' of message 'Money'");
  });

  it('refuses a schema whose type does not resolve, which Confluent compares by name (SchemaDiffTest.checkCompatibilityUsingBadMessage)', () => {
    const bad = 'syntax = "proto3";\n\noption java_package = "io.confluent.kafka.serializers.protobuf.test";\noption java_outer_classname = "TestMapProtos";\n\nimport "google/protobuf/descriptor.proto";\n\nmessage TestBadMessage {\n    bad.Message test_bad_message = 1;\n}\n';
    expect(parseError(bad)).toMatchObject({ line: 9, column: 17 });
  });
});

describe('parseProto', () => {
  it('resolves imports from the references, transitively', () => {
    const parsed = parseProto('syntax = "proto3";\nimport "shop/money.proto";\nmessage Order { shop.Money total = 1; }\n', 'orders.proto', {
      'shop/money.proto': 'syntax = "proto3";\npackage shop;\nimport "shop/currency.proto";\nmessage Money { Currency currency = 1; int64 units = 2; }\n',
      'shop/currency.proto': 'syntax = "proto2";\npackage shop;\nenum Currency { EUR = 0; USD = 1; }\n',
    });
    expect(parsed.types.map((t) => t.name)).toEqual(['Order']); // the file's own types only
    expect(parsed.typesByName.get('Order')).toMatchObject({ kind: 'message', fields: [{ name: 'total', type: { kind: 'named', fullName: 'shop.Money' } }] });
    expect(parsed.typesByName.get('shop.Money')?.origin).toMatchObject({ file: 'shop/money.proto', package: 'shop' });
    expect(parsed.typesByName.get('shop.Currency')).toMatchObject({ kind: 'enum', values: [{ name: 'EUR', number: 0 }, { name: 'USD', number: 1 }] });
  });

  it('has the well-known google/protobuf imports built in', () => {
    const parsed = parseProto(
      [
        'syntax = "proto3";',
        'import "google/protobuf/timestamp.proto";',
        'import "google/protobuf/any.proto";',
        'import "google/protobuf/wrappers.proto";',
        'import "google/protobuf/descriptor.proto";',
        'extend google.protobuf.FieldOptions { string pii = 50000; }',
        'message Order {',
        '  google.protobuf.Timestamp placed_at = 1;',
        '  google.protobuf.Any detail = 2 [(pii) = "no"];',
        '  google.protobuf.StringValue note = 3;',
        '}',
      ].join('\n'),
    );
    expect(parsed.typesByName.get('google.protobuf.Timestamp')?.origin.file).toBe('google/protobuf/timestamp.proto');
    expect(parsed.typesByName.has('google.protobuf.FieldOptions')).toBe(true);
    // An extension is not a field of the message it extends, as in Confluent's parser.
    expect((parsed.typesByName.get('google.protobuf.FieldOptions') as { fields: { name: string }[] }).fields.map((f) => f.name)).not.toContain('.pii');
  });

  it('keeps proto2 labels, and proto3 ones as written', () => {
    const proto2 = parseProto('syntax = "proto2";\nmessage M { optional int32 a = 1; required string b = 2; repeated bytes c = 3; map<string, int32> d = 4; oneof o { int32 e = 5; } }\n');
    expect(proto2.syntax).toBe('proto2');
    const labels = (p: typeof proto2) => (p.types[0] as { fields: { name: string; label?: string }[] }).fields.map((f) => [f.name, f.label]);
    expect(labels(proto2)).toEqual([['a', 'optional'], ['b', 'required'], ['c', 'repeated'], ['d', undefined], ['e', undefined]]);
    const proto3 = parseProto('syntax = "proto3";\nmessage M { int32 a = 1; optional string b = 2; repeated bytes c = 3; oneof o { int32 e = 5; } }\n');
    expect(proto3.syntax).toBe('proto3');
    expect(labels(proto3)).toEqual([['a', undefined], ['b', 'optional'], ['c', 'repeated'], ['e', undefined]]);
    // protobufjs' synthetic oneof for a proto3 optional field is not a oneof.
    expect((proto3.types[0] as { oneofs: { name: string }[] }).oneofs.map((o) => o.name)).toEqual(['o']);
  });

  it('takes a file without a syntax statement as proto2', () => {
    expect(parseProto('message M { optional int32 a = 1; }').syntax).toBe('proto2');
  });

  it('leaves proto2 groups out, as Confluent does', () => {
    const parsed = parseProto('syntax = "proto2";\nmessage M {\n  optional group Result = 1 { optional string url = 2; }\n  optional int32 n = 3;\n}\n');
    const message = parsed.types[0] as { fields: { name: string }[]; nested: unknown[] };
    expect(message.fields.map((f) => f.name)).toEqual(['n']);
    expect(message.nested).toEqual([]);
  });
});
