import { parseSchema } from './parse-schema.js';
import { checkReaderWriter, type Incompatibility } from './resolve.js';

export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export type SchemaInput = string | object;

/** `new-reads-old`: the new schema as reader of data written with a previous version (backward); `old-reads-new`: the reverse (forward). */
export type Direction = 'new-reads-old' | 'old-reads-new';

export interface LevelIncompatibility extends Incompatibility {
  direction: Direction;
  /** The previous version involved. */
  version: number | string;
}

export interface CompatibilityResult {
  compatible: boolean;
  level: CompatibilityLevel;
  /** One line per incompatibility, saying which direction and version failed, then `path: problem`. */
  messages: string[];
  incompatibilities: LevelIncompatibility[];
}

export interface CompatibilityOptions {
  /** Labels for `previous` (same order), e.g. registry version numbers; defaults to 1, 2, 3... oldest first. */
  versions?: ReadonlyArray<number | string>;
}

/** Which directions each level checks, and against only the latest or every previous version (as Apicurio's AbstractCompatibilityChecker does). */
export const LEVEL_PLAN: Record<CompatibilityLevel, { directions: Direction[]; transitive: boolean }> = {
  BACKWARD: { directions: ['new-reads-old'], transitive: false },
  BACKWARD_TRANSITIVE: { directions: ['new-reads-old'], transitive: true },
  FORWARD: { directions: ['old-reads-new'], transitive: false },
  FORWARD_TRANSITIVE: { directions: ['old-reads-new'], transitive: true },
  FULL: { directions: ['new-reads-old', 'old-reads-new'], transitive: false },
  FULL_TRANSITIVE: { directions: ['new-reads-old', 'old-reads-new'], transitive: true },
  NONE: { directions: [], transitive: false },
};

/**
 * Check a proposed schema against the previous versions of a subject (oldest first) at a
 * compatibility level. The new schema is always parsed; previous versions only when the level
 * needs them. Throws SchemaParseError for input that is not a valid Avro schema.
 */
export function checkCompatibility(
  newSchema: SchemaInput,
  previous: readonly SchemaInput[],
  level: CompatibilityLevel,
  options: CompatibilityOptions = {},
): CompatibilityResult {
  const proposed = parseSchema(newSchema);
  const { directions, transitive } = LEVEL_PLAN[level];
  // Newest first, like the registry's transitive walk.
  const newestFirst = previous.map((_, i) => i).reverse();
  const compared = directions.length === 0 ? [] : transitive ? newestFirst : newestFirst.slice(0, 1);
  const olds = compared.map((i) => ({ version: options.versions?.[i] ?? i + 1, schema: parseSchema(previous[i] as SchemaInput) }));

  const incompatibilities: LevelIncompatibility[] = [];
  const messages: string[] = [];
  for (const direction of directions) {
    for (const { version, schema } of olds) {
      const [reader, writer] = direction === 'new-reads-old' ? [proposed, schema] : [schema, proposed];
      const prefix = direction === 'new-reads-old' ? `new schema cannot read version ${version}` : `version ${version} cannot read new schema`;
      for (const inc of checkReaderWriter(reader, writer).incompatibilities) {
        incompatibilities.push({ ...inc, direction, version });
        messages.push(`${prefix}: ${inc.path}: ${inc.message}`);
      }
    }
  }
  return { compatible: incompatibilities.length === 0, level, messages, incompatibilities };
}
