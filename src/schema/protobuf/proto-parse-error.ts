import { SchemaParseError } from '../compatibility/errors.js';
import type { SourcePosition } from '../schema-location.js';

/**
 * A .proto file that does not parse or does not resolve (a syntax error, an unknown type, an
 * import that is neither a reference nor built in). A SchemaParseError, so the CLI exits 2; the
 * message reads `file:line:column: reason`, as compilers print it, with what is known of the place.
 */
export class ProtoParseError extends SchemaParseError {
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    readonly file: string,
    readonly reason: string,
    at?: Partial<SourcePosition>,
  ) {
    const place = [file, at?.line, at?.line === undefined ? undefined : at.column].filter((p) => p !== undefined).join(':');
    super(`${place}: ${reason}`);
    this.line = at?.line;
    this.column = at?.line === undefined ? undefined : at.column;
  }
}
