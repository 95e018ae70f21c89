/** Offline Protobuf (proto2, proto3) schema compatibility, by Confluent Schema Registry's SchemaDiff rules. */
export { parseProto } from './parse-proto.js';
export { compareProtos } from './compare-protos.js';
export { locateProtoPath } from './locate-proto-path.js';
export type { ProtoLocation } from './locate-proto-path.js';
export { ProtoParseError } from './proto-parse-error.js';
export { COMPATIBLE_DIFFERENCE_TYPES, PROTO_DIFFERENCE_TYPES } from './difference-types.js';
export type { ProtoDifference, ProtoDifferenceType } from './difference-types.js';
export type { ParsedProto, ProtoEnum, ProtoField, ProtoFieldType, ProtoMessage, ProtoSyntax, ProtoType } from './proto-model.js';
