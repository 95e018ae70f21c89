import type { SourcePosition } from '../schema-location.js';

/**
 * A parsed and resolved .proto file, as the compatibility checker sees it: what Confluent's
 * SchemaDiff compares (messages, fields, oneofs, enums; not options, services, extensions, or
 * proto2 groups, which Confluent's parser keeps apart and its diff never reads).
 */
export interface ParsedProto {
  /** The name the file was parsed under, used in errors and locations. */
  file: string;
  syntax: ProtoSyntax;
  /** '' when the file declares none. */
  package: string;
  /** The file's top-level messages and enums, in declaration order (message indexes follow it). */
  types: ProtoType[];
  /** Every message and enum, of this file and of everything it imports, by full name without the leading dot. */
  typesByName: ReadonlyMap<string, ProtoType>;
  /** Where declarations are: this file first, then each imported file parsed from text, in load order. */
  layouts: ProtoFileLayout[];
}

export type ProtoSyntax = 'proto2' | 'proto3' | 'editions';

export type ProtoType = ProtoMessage | ProtoEnum;

/** The file a type is declared in. */
export interface ProtoOrigin {
  file: string;
  package: string;
  /**
   * Which version of an import this is: the same import with the same text is the same version
   * (Confluent: the same subject and version). null for the file being checked itself.
   */
  version: string | null;
}

export interface ProtoMessage {
  kind: 'message';
  name: string;
  /** Without the leading dot: `pkg.Outer.Inner`. */
  fullName: string;
  origin: ProtoOrigin;
  /** Every field, oneof members included, in declaration order. */
  fields: ProtoField[];
  /** Real oneofs only: proto3 `optional` fields are plain fields, as Confluent parses them. */
  oneofs: ProtoOneof[];
  nested: ProtoType[];
}

export interface ProtoEnum {
  kind: 'enum';
  name: string;
  fullName: string;
  origin: ProtoOrigin;
  /** In declaration order; aliases share a number. */
  values: { name: string; number: number }[];
}

export interface ProtoOneof {
  name: string;
  numbers: number[];
}

export interface ProtoField {
  name: string;
  number: number;
  /** The label as written: none for proto3 fields without one, oneof members and maps (Confluent compares labels only when both sides have one). */
  label: 'optional' | 'required' | 'repeated' | undefined;
  /** The oneof it belongs to, if any. */
  oneof: string | undefined;
  type: ProtoFieldType;
}

export type ScalarTypeName =
  | 'double' | 'float' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'sint32' | 'sint64'
  | 'fixed32' | 'fixed64' | 'sfixed32' | 'sfixed64' | 'bool' | 'string' | 'bytes';

export type ProtoFieldType =
  | { kind: 'scalar'; name: ScalarTypeName }
  /** A message or an enum, by full name (a key of typesByName). */
  | { kind: 'named'; fullName: string }
  | { kind: 'map'; key: ProtoFieldType; value: ProtoFieldType };

/** One file's declarations by Confluent path (`#/Msg/2`, `#/Msg/oneof`, `#/Enum/1`; `#/` is the package statement). */
export interface ProtoFileLayout {
  file: string;
  paths: ReadonlyMap<string, SourcePosition>;
}

/** A type's name inside its own package: what Confluent calls a type's local name, and uses in paths. */
export function localName(type: ProtoType): string {
  const prefix = type.origin.package === '' ? '' : `${type.origin.package}.`;
  return type.fullName.startsWith(prefix) ? type.fullName.slice(prefix.length) : type.fullName;
}
