import { type Node, parseTree } from 'jsonc-parser';

/** A 1-based place in a schema file, for GitHub annotations and SARIF regions. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Where a path (`/fields/1/type`, `#/properties/a`: object keys and array indexes) is in a
 * JSON schema file's text: the key of the property it names, or the element itself. A path
 * the file does not spell out (a named type used by reference, a field only the old version
 * has) points at its nearest ancestor that the file has.
 */
export function locateJsonPath(source: string, path: string): SourcePosition | undefined {
  const root = parseTree(source);
  if (!root) return undefined;
  const segments = path.replace(/^#/, '').split('/').filter((s) => s !== '').map(decodePointerSegment);
  const { node } = childAt(root, segments);
  return positionAt(source, (node.parent?.type === 'property' ? node.parent : node).offset);
}

/** The node a pointer (as segments) reaches, or the deepest one on its way; `depth` is how many segments were followed. */
export function childAt(tree: Node, segments: readonly string[]): { node: Node; depth: number } {
  let node = tree;
  let depth = 0;
  for (const segment of segments) {
    const next = child(node, segment);
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

/** An object member's value or an array element. */
export function child(node: Node, segment: string): Node | undefined {
  if (node.type === 'object') return node.children?.find((p) => p.children?.[0]?.value === segment)?.children?.[1];
  if (node.type === 'array' && /^\d+$/.test(segment)) return node.children?.[Number(segment)];
  return undefined;
}

/** JSON Pointer escapes (RFC 6901): ~1 is '/', ~0 is '~'. */
function decodePointerSegment(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The line and column (1-based, in UTF-16 units as editors count) of an offset. */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
