/** Offline Avro schema compatibility, matching Avro Java's SchemaCompatibility (what Apicurio Registry runs). */
export { SchemaParseError } from './errors.js';
export { parseSchema } from './parse-schema.js';
export { checkReaderWriter } from './resolve.js';
export type { Incompatibility, IncompatibilityKind, ReaderWriterResult } from './resolve.js';
export { checkCompatibility, COMPATIBILITY_LEVELS } from './levels.js';
export type {
  CompatibilityLevel,
  CompatibilityOptions,
  CompatibilityResult,
  Direction,
  LevelIncompatibility,
  SchemaInput,
} from './levels.js';
export type { AvroSchema } from './types.js';
