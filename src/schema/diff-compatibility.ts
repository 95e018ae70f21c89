import type { CheckViolation } from './check-report.js';
import { type CompatibilityLevel, LEVEL_PLAN } from './compatibility/levels.js';
import type { SchemaFile } from './schema-file.js';
import type { SourcePosition } from './schema-location.js';

/** One change between two versions of a schema, as Confluent's SchemaDiff names it. */
export interface SchemaDifference {
  /** Confluent's Difference.Type, e.g. TYPE_CHANGED, FIELD_KIND_CHANGED. */
  type: string;
  /** Where, as Confluent writes it: `#/properties/total`, `#/Order/2`. */
  path: string;
  compatible: boolean;
  message: string;
}

/** A schema format checked the way Confluent's registry checks JSON Schema and Protobuf: by the differences between two versions. */
export interface DiffFormat<Parsed> {
  parse(file: SchemaFile): Parsed;
  compare(original: Parsed, update: Parsed): SchemaDifference[];
  locate(parsed: Parsed, path: string): SourcePosition | undefined;
}

export interface DiffCheckResult {
  compatible: boolean;
  messages: string[];
  violations: CheckViolation[];
}

/**
 * A level check by differences, as Confluent's registry does it for JSON Schema and Protobuf:
 * the new schema reads old data (backward) when compare(old, new) has no incompatible
 * difference, old readers read new data (forward) when compare(new, old) has none; transitive
 * levels compare with every previous version, the others with the latest. Both comparisons
 * have the new schema on one side, so every path is found in the new file.
 */
export function checkByDifferences<P>(format: DiffFormat<P>, proposed: SchemaFile, previousOldestFirst: SchemaFile[], level: CompatibilityLevel): DiffCheckResult {
  const { directions, transitive } = LEVEL_PLAN[level];
  const next = format.parse(proposed);
  const newestFirst = [...previousOldestFirst].reverse();
  const olds = directions.length === 0 ? [] : (transitive ? newestFirst : newestFirst.slice(0, 1)).map((f) => ({ version: f.path, parsed: format.parse(f) }));
  const messages: string[] = [];
  const violations: CheckViolation[] = [];
  for (const direction of directions) {
    for (const old of olds) {
      const [original, update] = direction === 'new-reads-old' ? [old.parsed, next] : [next, old.parsed];
      const prefix = direction === 'new-reads-old' ? `new schema cannot read version ${old.version}` : `version ${old.version} cannot read new schema`;
      for (const d of format.compare(original, update).filter((x) => !x.compatible)) {
        // The path leads the line already: a message that starts with it ("At #/a, ...") drops it.
        const message = `${prefix}: ${d.path}: ${d.type}: ${d.message.replace(/^At \S+, /, '')}`;
        messages.push(message);
        violations.push({ message, ...(format.locate(next, d.path) ?? {}) });
      }
    }
  }
  return { compatible: messages.length === 0, messages, violations };
}
