/**
 * Offline JSON Schema compatibility, following Confluent Schema Registry's JSON Schema SchemaDiff
 * (draft-07 and 2020-12).
 */
export { compareJsonSchemas } from './compare-json-schemas.js';
export type { CompareOptions, JsonSchemaDifference } from './compare-json-schemas.js';
export { COMPATIBLE_DIFFERENCES, DIFFERENCE_TYPES } from './difference-types.js';
export type { CompatibilityPolicy, DifferenceType } from './difference-types.js';
export { JsonSchemaParseError } from './json-text.js';
export { locateJsonPointer } from './locate-json-pointer.js';
export { parseJsonSchema } from './parse-json-schema.js';
export type { JsonSchemaDraft, ParsedJsonSchema } from './parse-json-schema.js';
