import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { SchemaParseError } from '../compatibility/errors.js';
import { childAt, positionAt, type SourcePosition } from '../schema-location.js';

/**
 * A JSON Schema file (or a schema reference) that could not be used: not JSON, not a valid
 * JSON Schema of its draft, or a `$ref` that resolves to nothing. Being a SchemaParseError, the
 * CLI maps it to exit code 2.
 */
export class JsonSchemaParseError extends SchemaParseError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'JsonSchemaParseError';
  }
}

/** One JSON document with what is needed to point into its text. */
export interface JsonDocument {
  /** The file (or schema reference name) reported in errors. */
  readonly file: string;
  /** The text as parsed: without a byte order mark, which editors do not count as a column. */
  readonly text: string;
  readonly tree: Node;
  readonly json: unknown;
}

/** Strict JSON, as the registry's Jackson reads it: no comments, no trailing commas. */
export function readJsonDocument(text: string, file: string): JsonDocument {
  // Jackson skips a byte order mark, and editors do not count it as a column.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first || !tree) {
    const offset = first?.offset ?? body.length;
    throw errorAt(file, body, offset, `not valid JSON: ${first ? words(printParseErrorCode(first.error)) : 'no content'}`);
  }
  let json: unknown;
  try {
    // JSON.parse for the value: it keeps keys such as "__proto__" as plain properties.
    json = JSON.parse(body);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    throw errorAt(file, body, at ? Number(at[1]) : 0, `not valid JSON: ${(err as Error).message}`);
  }
  return { file, text: body, tree, json };
}

/** Where a JSON pointer (as segments) is in a document: the value, or the nearest ancestor the text has. */
export function positionOf(doc: JsonDocument, segments: readonly string[]): SourcePosition {
  return positionAt(doc.text, childAt(doc.tree, segments).node.offset);
}

function errorAt(file: string, text: string, offset: number, reason: string): JsonSchemaParseError {
  const { line, column } = positionAt(text, offset);
  return new JsonSchemaParseError(file, line, column, reason);
}

/** "CommaExpected" -> "comma expected". */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
