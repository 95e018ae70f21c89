import { comparePair } from './compare-schemas.js';
import { describeDifference } from './difference-messages.js';
import { COMPATIBLE_DIFFERENCES, type CompatibilityPolicy, type DifferenceType } from './difference-types.js';
import { diffToFixpoint } from './diff-run.js';
import type { ParsedJsonSchema } from './parse-json-schema.js';

export interface JsonSchemaDifference {
  /** Confluent's Difference.Type name. */
  type: DifferenceType;
  /** Where, as Confluent reports it: `#/` then the path through everit's schema model, e.g. `#/properties/foo`. */
  path: string;
  /** Whether the registry's policy accepts this difference. */
  compatible: boolean;
  message: string;
}

export interface CompareOptions {
  /** The registry's CompatibilityPolicy; `strict` (its default) unless told otherwise. */
  policy?: CompatibilityPolicy;
}

/**
 * Every difference between two JSON Schemas, as Confluent Schema Registry's SchemaDiff reports
 * them. `update` is compatible with `original` when every difference is compatible: a
 * registry's BACKWARD check of a new schema is compareJsonSchemas(previous, new), FORWARD is
 * compareJsonSchemas(new, previous), FULL both.
 */
export function compareJsonSchemas(
  original: ParsedJsonSchema,
  update: ParsedJsonSchema,
  options: CompareOptions = {},
): JsonSchemaDifference[] {
  const accepted = COMPATIBLE_DIFFERENCES[options.policy ?? 'strict'];
  return diffToFixpoint(original.model, update.model, accepted, comparePair).map(({ type, path }) => {
    const text = `#/${path.map(escapePointer).join('/')}`;
    const compatible = accepted.has(type);
    return { type, path: text, compatible, message: describeDifference(type, text, compatible) };
  });
}

/** RFC 6901 escaping, so a property named "a/b" stays one segment. */
function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
