import type { JsonDocument } from './json-text.js';

/** The base URI of a document without `$id`, as json-sKema and the registry use. */
const DEFAULT_BASE = 'mem://input';

interface Located {
  readonly document: JsonDocument;
  readonly pointer: readonly string[];
}

/** A `$ref` target: the JSON value to load as a schema. */
export interface RefTarget {
  readonly value: unknown;
}

/** A `$ref` that does not resolve; the parser turns it into a JsonSchemaParseError at the `$ref`. */
export class RefResolutionError extends Error {
  constructor(
    readonly at: Located,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * The schema being parsed and its schema references (as registered with Confluent, by name),
 * indexed so a `$ref` can be resolved the way the registry's loaders do: against the base URI
 * in effect (changed by `$id`), to a document, an embedded `$id`, or an anchor, then by JSON
 * pointer. A `#/$defs/x` that is missing falls back to `#/definitions/x`, as the registry copies
 * top-level `definitions` into `$defs` before loading.
 */
export class SchemaDocuments {
  private readonly resources = new Map<string, RefTarget>();
  private readonly anchors = new Map<string, RefTarget>();
  private readonly byName = new Map<string, RefTarget>();
  private readonly nodes = new WeakMap<object, Located & { base: string }>();
  private readonly documentRoots = new Set<unknown>();
  private rootBase = DEFAULT_BASE;

  constructor(root: JsonDocument) {
    this.register(DEFAULT_BASE, root);
    this.rootBase = this.scan(root.json, DEFAULT_BASE, root, []);
  }

  /** A schema reference: `name` is what `$ref` uses, e.g. "customer.json". */
  addReference(name: string, document: JsonDocument): void {
    this.byName.set(name, { value: document.json });
    for (const base of [this.rootBase, DEFAULT_BASE]) {
      const uri = resolveUri(name, base);
      if (uri) this.register(stripFragment(uri), document);
    }
    this.scan(document.json, resolveUri(name, this.rootBase) ?? DEFAULT_BASE, document, []);
  }

  /** What `$ref` (a keyword of `holder`) refers to. */
  resolve(holder: object, ref: string): RefTarget {
    const at = this.nodes.get(holder);
    if (!at) throw new Error('internal: $ref holder is not part of an indexed document');
    const where: Located = { document: at.document, pointer: [...at.pointer, '$ref'] };
    const uri = resolveUri(ref, at.base);
    const hash = uri?.indexOf('#') ?? -1;
    const resourceUri = uri === undefined ? undefined : hash < 0 ? uri : uri.slice(0, hash);
    const fragment = uri === undefined || hash < 0 ? '' : safeDecode(uri.slice(hash + 1));
    const byName = this.byName.get(ref.split('#')[0] as string);
    const resource = (resourceUri !== undefined ? this.resources.get(resourceUri) : undefined) ?? byName;
    if (!resource) {
      throw new RefResolutionError(where, `$ref "${ref}" names no schema in this file or its references`);
    }
    let target: RefTarget | undefined;
    if (fragment === '') target = resource;
    else if (fragment.startsWith('/')) {
      const segments = fragment.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      target = follow(resource, segments);
      if (!target && segments[0] === '$defs' && this.documentRoots.has(resource.value)) {
        target = follow(resource, ['definitions', ...segments.slice(1)]);
      }
    } else target = this.anchors.get(`${resourceUri}#${fragment}`);
    if (!target) throw new RefResolutionError(where, `$ref "${ref}" points at nothing: no "${fragment}" in that schema`);
    if (typeof target.value !== 'boolean' && !isObject(target.value)) {
      throw new RefResolutionError(where, `$ref "${ref}" points at a ${jsonType(target.value)}, not a schema`);
    }
    return target;
  }

  private register(uri: string, document: JsonDocument): void {
    this.documentRoots.add(document.json);
    if (!this.resources.has(uri)) this.resources.set(uri, { value: document.json });
  }

  /** Records base URIs, embedded `$id`s and anchors; returns the base URI of `value` itself. */
  private scan(value: unknown, base: string, document: JsonDocument, pointer: string[]): string {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.scan(v, base, document, [...pointer, String(i)]));
      return base;
    }
    if (!isObject(value)) return base;
    let own = base;
    const here: RefTarget = { value };
    if (typeof value.$id === 'string') {
      const uri = resolveUri(value.$id, base);
      if (uri !== undefined) {
        const [resource, anchor] = splitFragment(uri);
        if (!value.$id.startsWith('#')) {
          own = resource;
          this.resources.set(resource, here);
        }
        // draft-07 names a plain-name fragment with "$id": "#name".
        if (anchor) this.anchors.set(`${resource}#${anchor}`, here);
      }
    }
    if (typeof value.$anchor === 'string') this.anchors.set(`${own}#${value.$anchor}`, here);
    this.nodes.set(value, { document, pointer, base: own });
    for (const [key, v] of Object.entries(value)) this.scan(v, own, document, [...pointer, key]);
    return own;
  }
}

function follow(from: RefTarget, segments: readonly string[]): RefTarget | undefined {
  let value = from.value;
  for (const segment of segments) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else if (isObject(value) && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
    if (value === undefined) return undefined;
  }
  return { value };
}

function resolveUri(ref: string, base: string): string | undefined {
  try {
    return new URL(ref, base).href;
  } catch {
    // A base like urn:x cannot resolve relative references; fragments still append.
    return ref.startsWith('#') ? stripFragment(base) + ref : undefined;
  }
}

function splitFragment(uri: string): [string, string] {
  const hash = uri.indexOf('#');
  return hash < 0 ? [uri, ''] : [uri.slice(0, hash), safeDecode(uri.slice(hash + 1))];
}

function stripFragment(uri: string): string {
  return splitFragment(uri)[0];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
