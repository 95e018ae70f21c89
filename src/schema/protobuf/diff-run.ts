import { COMPATIBLE_DIFFERENCE_TYPES, type ProtoDifference, type ProtoDifferenceType } from './difference-types.js';
import { localName, type ParsedProto, type ProtoMessage, type ProtoType } from './proto-model.js';

export type MessageComparer = (run: DiffRun, original: ProtoMessage, update: ProtoMessage) => void;

/** One comparison under way: the two files, the current path, and the differences found so far. */
export class DiffRun {
  readonly differences: ProtoDifference[] = [];

  constructor(
    readonly original: ParsedProto,
    readonly update: ParsedProto,
    /** How messages are compared, for a field whose imported type must be compared too. */
    readonly compareMessages: MessageComparer,
    private readonly path: string[] = [],
    /** Original messages whose fields are being compared, so a recursive type is compared once. */
    readonly comparing: Set<ProtoMessage> = new Set(),
  ) {}

  add(type: ProtoDifferenceType, message: string, ...segments: string[]): void {
    this.differences.push({
      type,
      path: `#/${[...this.path, ...segments].join('/')}`,
      compatible: COMPATIBLE_DIFFERENCE_TYPES.has(type),
      message,
    });
  }

  within(segments: string[], body: () => void): void {
    this.path.push(...segments);
    try {
      body();
    } finally {
      this.path.splice(this.path.length - segments.length);
    }
  }

  /**
   * A run of its own for an imported message, with paths from that message's local name (as
   * Confluent's sub-context has them): its differences are added to this run's by the caller.
   */
  forImportedType(type: ProtoType): DiffRun {
    return new DiffRun(this.original, this.update, this.compareMessages, localName(type).split('.'), new Set(this.comparing));
  }
}

/** A message or enum as a sentence names it: its local name, and the file when it is an import. */
export function displayName(type: ProtoType): string {
  return type.origin.version === null ? `'${localName(type)}'` : `'${localName(type)}' (${type.origin.file})`;
}
