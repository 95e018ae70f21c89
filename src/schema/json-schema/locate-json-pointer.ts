import type { Node } from 'jsonc-parser';
import { positionAt, type SourcePosition } from '../schema-location.js';
import { child, childAt } from '../schema-location.js';
import type { ParsedJsonSchema } from './parse-json-schema.js';

/**
 * Where a difference's path (`#/properties/foo/maxLength`) is in the schema's text (1-based),
 * for GitHub annotations and SARIF: the key of the member it names, or the array element. The
 * path follows the registry's schema model, so it is mapped back to what the file spells out:
 * through local `$ref`s, past allOf the loader made up, and, for 2020-12, from `items/N` to
 * `prefixItems/N`, `additionalItems` to `items` and `dependencies` to `dependentRequired` or
 * `dependentSchemas`. A path the file does not have points at its nearest ancestor there.
 */
export function locateJsonPointer(parsed: ParsedJsonSchema, path: string): SourcePosition | undefined {
  const { tree, text } = parsed.source;
  const segments = path
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map(unescape);
  let node = tree;
  let at: Node = tree;
  let jumps = 0;
  for (let i = 0; i < segments.length; ) {
    const segment = segments[i] as string;
    const next = segments[i + 1];
    const found = step(node, segment, next, parsed.draft === '2020-12');
    if (found) {
      at = found.at;
      node = found.node;
      i++;
      continue;
    }
    const ref = member(node, '$ref')?.node;
    if (ref?.type === 'string' && typeof ref.value === 'string' && ref.value.startsWith('#') && jumps++ < 32) {
      const pointer = ref.value.slice(1).split('/').filter((s) => s !== '').map((s) => unescape(safeDecode(s)));
      const target = childAt(tree, pointer);
      if (target.depth === pointer.length) {
        node = target.node;
        continue;
      }
    }
    // An allOf the loader made up to hold several keywords of one object.
    if (/^(allOf|anyOf|oneOf)$/.test(segment) && next !== undefined && /^\d+$/.test(next) && !member(node, segment)) {
      i += 2;
      continue;
    }
    break;
  }
  return positionAt(text, at.offset);
}

/** One segment down: the member's key and value, or an array element. */
function step(node: Node, segment: string, next: string | undefined, is2020: boolean): { at: Node; node: Node } | undefined {
  if (segment === 'required' && next !== undefined) {
    const required = member(node, 'required');
    const element = required?.node.children?.find((e) => e.value === next);
    if (element) return { at: element, node: element };
  }
  if (is2020) {
    if (segment === 'items' && next !== undefined && /^\d+$/.test(next)) return member(node, 'prefixItems') ?? member(node, segment);
    if (segment === 'additionalItems') return member(node, 'items') ?? member(node, segment);
    if (segment === 'dependencies' && next !== undefined) {
      for (const keyword of ['dependentRequired', 'dependentSchemas']) {
        const m = member(node, keyword);
        if (m && child(m.node, next)) return m;
      }
    }
  }
  if (node.type === 'array') {
    const element = child(node, segment);
    return element && { at: element, node: element };
  }
  return member(node, segment);
}

function member(node: Node, key: string): { at: Node; node: Node } | undefined {
  if (node.type !== 'object') return undefined;
  const property = node.children?.find((p) => p.children?.[0]?.value === key);
  const value = property?.children?.[1];
  return property && value ? { at: property, node: value } : undefined;
}

/** RFC 6901: ~1 is "/", ~0 is "~". */
function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
