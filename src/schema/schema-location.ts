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
  let node = parseTree(source);
  if (!node) return undefined;
  let at: Node = node;
  for (const segment of path.replace(/^#/, '').split('/').filter((s) => s !== '').map(decodePointerSegment)) {
    if (node.type === 'array' && /^\d+$/.test(segment)) {
      const element: Node | undefined = node.children?.[Number(segment)];
      if (!element) break;
      node = at = element;
    } else if (node.type === 'object') {
      const property: Node | undefined = node.children?.find((p) => p.children?.[0]?.value === segment);
      if (!property?.children?.[1]) break;
      at = property;
      node = property.children[1];
    } else break;
  }
  return positionAt(source, at.offset);
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
