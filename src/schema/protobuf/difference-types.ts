/** Confluent Schema Registry's Protobuf difference types (io.confluent...protobuf.diff.Difference.Type), by the same names. */
export const PROTO_DIFFERENCE_TYPES = [
  'PACKAGE_CHANGED',
  'MESSAGE_ADDED',
  'MESSAGE_REMOVED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_KIND_CHANGED',
  'FIELD_SCALAR_KIND_CHANGED',
  'FIELD_NAMED_TYPE_CHANGED',
  'FIELD_NUMERIC_LABEL_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'REQUIRED_FIELD_ADDED',
  'REQUIRED_FIELD_REMOVED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_REMOVED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
  'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
  'FIELD_MOVED_TO_EXISTING_ONEOF',
] as const;

export type ProtoDifferenceType = (typeof PROTO_DIFFERENCE_TYPES)[number];

/** The types Confluent's SchemaDiff.COMPATIBLE_CHANGES lists: an update whose differences are all of these is compatible. */
export const COMPATIBLE_DIFFERENCE_TYPES: ReadonlySet<ProtoDifferenceType> = new Set<ProtoDifferenceType>([
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
]);

export interface ProtoDifference {
  /** Confluent's name for it. */
  type: ProtoDifferenceType;
  /** Where, as Confluent writes it: `#/` (the file), `#/Msg/Nested/2` (a field by number), `#/Msg/oneof_name/3`, `#/Enum/1`. */
  path: string;
  /** Whether Confluent counts this change as compatible. */
  compatible: boolean;
  /** What changed, naming the message and field. */
  message: string;
}
