import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import type { SourcePosition } from '../schema-location.js';
import { builtinImport, type BuiltinImport } from './builtin-imports.js';
import { scanLayout, tokenColumn, type Declaration, type ScannedLayout } from './proto-layout.js';
import type { ParsedProto, ProtoField, ProtoFieldType, ProtoFileLayout, ProtoOrigin, ProtoSyntax, ProtoType, ScalarTypeName } from './proto-model.js';
import { ProtoParseError } from './proto-parse-error.js';

/** One file loaded into the shared protobufjs root. */
interface LoadedFile {
  name: string;
  text: string;
  package: string;
  syntax: ProtoSyntax;
  imports: { path: string; weak: boolean }[];
  builtin: boolean;
  /** None for a built-in import: not the user's text, so never where a finding is shown. */
  layout?: ScannedLayout;
}

/**
 * Parse and resolve a .proto schema with protobufjs. `references` maps import paths to the text
 * of the imported files (Confluent's schema references name imports so); `google/protobuf/*.proto`
 * imports need none. Throws a ProtoParseError naming the file, the line and column when known,
 * and the reason: a syntax error, an unknown type, an import that is not to be had.
 */
export function parseProto(text: string, file = '<schema>', references: Record<string, string> = {}): ParsedProto {
  const root = new protobuf.Root();
  const files = [loadText(root, file, text)];
  // Each import once, breadth first; a reference wins over a built-in of the same path.
  const seen = new Set([file]);
  for (let k = 0; k < files.length; k++) {
    const importer = files[k]!;
    for (const { path, weak } of importer.imports) {
      if (seen.has(path)) continue;
      seen.add(path);
      const referenced = Object.hasOwn(references, path) ? references[path] : undefined;
      const builtin = referenced === undefined ? builtinImport(path) : undefined;
      if (referenced !== undefined) files.push(loadText(root, path, referenced));
      else if (builtin) files.push(loadBuiltin(root, path, builtin));
      else if (!weak) { // a missing weak import is skipped, as protobufjs' loader does
        throw new ProtoParseError(importer.name, `import "${path}" is not among the schema's references (and is not a built-in google/protobuf file)`, importer.layout?.imports.get(path));
      }
    }
  }
  resolveFields(root, files);
  try {
    root.resolveAll(); // what fields do not cover: extensions, services, options
  } catch (err) {
    throw new ProtoParseError(file, errorText(err));
  }
  return toModel(root, files);
}

/**
 * Which version of an import a file is: its path, its text and its own imports' versions (a
 * Confluent subject version pins its references too), so a change deep in the imports shows.
 */
function versions(files: LoadedFile[]): (file: LoadedFile) => string {
  const byName = new Map(files.map((f) => [f.name, f]));
  const memo = new Map<string, string>();
  const versionOf = (file: LoadedFile): string => {
    if (file.builtin) return `builtin:${file.name}`;
    const known = memo.get(file.name);
    if (known !== undefined) return known;
    memo.set(file.name, ''); // an import cycle, which protoc refuses anyway
    const hash = createHash('sha256').update(file.name).update('\0').update(file.text);
    for (const { path } of file.imports) {
      const imported = byName.get(path);
      if (imported) hash.update('\0').update(versionOf(imported));
    }
    const version = hash.digest('hex');
    memo.set(file.name, version);
    return version;
  };
  return versionOf;
}

function loadText(root: protobuf.Root, name: string, text: string, builtin = false): LoadedFile {
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, root, { keepCase: true });
  } catch (err) {
    throw parseFailure(name, text, errorText(err));
  }
  const layout = scanLayout(text);
  tagNewTypes(root, name);
  return {
    name,
    text,
    package: parsed.package ?? '',
    syntax: syntaxOf(name, layout),
    builtin,
    imports: [...(parsed.imports ?? []).map((path) => ({ path, weak: false })), ...(parsed.weakImports ?? []).map((path) => ({ path, weak: true }))],
    layout,
  };
}

function loadBuiltin(root: protobuf.Root, name: string, builtin: BuiltinImport): LoadedFile {
  if ('text' in builtin) return { ...loadText(root, name, builtin.text, true), layout: undefined };
  root.addJSON(builtin.json.nested ?? {});
  tagNewTypes(root, name);
  // protobuf.common holds proto3 files of package google.protobuf only.
  return { name, text: '', package: 'google.protobuf', syntax: 'proto3', builtin: true, imports: [] };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The file each message and enum comes from: protobufjs merges every file into one root, so mark the ones just added. */
function tagNewTypes(namespace: protobuf.Namespace | protobuf.Type, file: string): void {
  for (const obj of namespace.nestedArray) {
    if ((obj instanceof protobuf.Type || obj instanceof protobuf.Enum) && !obj.filename) obj.filename = file;
    if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) tagNewTypes(obj, file);
  }
}

function syntaxOf(file: string, layout: ScannedLayout): ProtoSyntax {
  const syntax = layout.syntax;
  if (!syntax) return 'proto2'; // protoc's default too
  if (syntax.isEdition) return 'editions';
  if (syntax.value === 'proto2' || syntax.value === 'proto3') return syntax.value;
  throw new ProtoParseError(file, `unsupported syntax "${syntax.value}" (expected "proto2" or "proto3")`, syntax.at);
}

/**
 * protobufjs' syntax errors end in `(line N)`; the column is where the offending token is, if it
 * occurs once on that line. Errors it raises while adding a declaration (duplicate or reserved
 * names and numbers) have no line: the declaration is found in the text.
 */
function parseFailure(file: string, text: string, message: string): ProtoParseError {
  const m = /^(.*) \((?:.*, )?line (\d+)\)$/s.exec(message);
  if (m) {
    const line = Number(m[2]);
    if (m[1]!.startsWith('illegal end of input')) return new ProtoParseError(file, 'unexpected end of file', { line });
    const token = /'([^']+)'/.exec(m[1]!)?.[1];
    return new ProtoParseError(file, m[1]!, { line, column: token === undefined ? undefined : tokenColumn(text, line, token) });
  }
  return new ProtoParseError(file, message, declarationInError(text, message));
}

const DECLARATION_ERRORS: { re: RegExp; by: 'number' | 'name'; occurrence: 'first' | 'second' }[] = [
  { re: /^duplicate id (-?\d+) in (\w+)(?: (\S+))?$/, by: 'number', occurrence: 'second' },
  { re: /^duplicate name '([^']*)' in (\w+)(?: (\S+))?$/, by: 'name', occurrence: 'second' },
  { re: /^id (-?\d+) is reserved in (\w+)(?: (\S+))?$/, by: 'number', occurrence: 'first' },
  { re: /^name '([^']*)' is reserved in (\w+)(?: (\S+))?$/, by: 'name', occurrence: 'first' },
];

function declarationInError(text: string, message: string): SourcePosition | undefined {
  for (const { re, by, occurrence } of DECLARATION_ERRORS) {
    const m = re.exec(message);
    if (!m) continue;
    // The owner is named as protobufjs knew it then ("Type Inner" before Inner joined its parent; "Root").
    const owner = m[3]?.split('.').pop();
    const inScope = (d: Declaration): boolean =>
      owner === undefined || m[2] === 'Namespace' ? d.scope === '#' : d.scope.split('/').pop() === owner;
    const matches = (d: Declaration): boolean => (by === 'number' ? d.number === Number(m[1]) : d.name === m[1]);
    let declarations: Declaration[];
    try {
      declarations = scanLayout(text).declarations;
    } catch {
      return undefined;
    }
    // A oneof member is declared under two paths: count each place once.
    const places = [...new Map(declarations.filter((d) => inScope(d) && matches(d)).map((d) => [`${d.at.line}:${d.at.column}`, d.at])).values()];
    return occurrence === 'second' ? (places[1] ?? places[0]) : places[0];
  }
  return undefined;
}

/** Resolve each field's type, so that an unknown one is reported at the field. */
function resolveFields(root: protobuf.Root, files: LoadedFile[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  const visit = (namespace: protobuf.Namespace | protobuf.Type): void => {
    for (const obj of namespace.nestedArray) {
      if (obj instanceof protobuf.Type) {
        const file = byName.get(obj.filename ?? '');
        for (const field of obj.fieldsArray) {
          if (field.declaringField) continue; // an extension's copy: resolveAll checks the extension itself
          try {
            field.resolve();
          } catch {
            const message = localPath(obj.fullName, file?.package ?? '');
            const path = ['#', ...message.split('.'), String(field.id)].join('/'); // oneof members are there too
            const at = file?.layout?.declarations.find((d) => d.path === path)?.at;
            throw new ProtoParseError(file?.name ?? '<unknown>', `unknown type '${field.type}' for field '${field.name}' of message '${message}'`, at);
          }
        }
      }
      if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) visit(obj);
    }
  };
  visit(root);
}

/** A full name (`.pkg.A.B`) inside its package (`A.B`). */
function localPath(fullName: string, pkg: string): string {
  const name = fullName.replace(/^\./, '');
  return pkg !== '' && name.startsWith(`${pkg}.`) ? name.slice(pkg.length + 1) : name;
}

function toModel(root: protobuf.Root, files: LoadedFile[]): ParsedProto {
  const typesByName = new Map<string, ProtoType>();
  const versionOf = versions(files);
  const topLevel = files.map((file, i) => {
    const namespace = packageNamespace(root, file.package);
    const origin: ProtoOrigin = { file: file.name, package: file.package, version: i === 0 ? null : versionOf(file) };
    return (namespace?.nestedArray ?? [])
      .filter((obj) => obj.filename === file.name && isComparedType(obj))
      .map((obj) => toType(obj as protobuf.Type | protobuf.Enum, origin, file.syntax, typesByName));
  });
  const main = files[0]!;
  return {
    file: main.name,
    syntax: main.syntax,
    package: main.package,
    types: topLevel[0]!,
    typesByName,
    layouts: files.flatMap((f) => (f.layout ? [layoutOf(f.name, f.layout)] : [])),
  };
}

function packageNamespace(root: protobuf.Root, pkg: string): protobuf.Namespace | undefined {
  let namespace: protobuf.Namespace | undefined = root;
  for (const part of pkg === '' ? [] : pkg.split('.')) {
    const child: protobuf.ReflectionObject | undefined = namespace?.nested?.[part];
    namespace = child instanceof protobuf.Namespace ? child : undefined;
  }
  return namespace;
}

function isGroup(obj: protobuf.ReflectionObject | null): boolean {
  return obj instanceof protobuf.Type && (obj as protobuf.Type & { group?: boolean }).group === true;
}

/** Messages and enums; not proto2 groups, which Confluent's parser keeps apart from types and its diff ignores. */
function isComparedType(obj: protobuf.ReflectionObject): boolean {
  return obj instanceof protobuf.Enum || (obj instanceof protobuf.Type && !isGroup(obj));
}

/** protobufjs turns a proto3 `optional` field into a oneof of its own, named `_field`. */
function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.getOption('proto3_optional') === true;
}

function toType(obj: protobuf.Type | protobuf.Enum, origin: ProtoOrigin, syntax: ProtoSyntax, registry: Map<string, ProtoType>): ProtoType {
  const fullName = obj.fullName.replace(/^\./, '');
  let type: ProtoType;
  if (obj instanceof protobuf.Enum) {
    type = { kind: 'enum', name: obj.name, fullName, origin, values: Object.entries(obj.values).map(([name, number]) => ({ name, number })) };
  } else {
    const fields = obj.fieldsArray.filter((f) => !f.declaringField && !isGroup(f.resolvedType));
    type = {
      kind: 'message',
      name: obj.name,
      fullName,
      origin,
      fields: fields.map((f) => toField(f, syntax)),
      oneofs: obj.oneofsArray
        .filter((o) => !isSyntheticOneof(o))
        .map((o) => ({ name: o.name, numbers: o.fieldsArray.filter((f) => !isGroup(f.resolvedType)).map((f) => f.id) })),
      nested: obj.nestedArray.filter(isComparedType).map((n) => toType(n as protobuf.Type | protobuf.Enum, origin, syntax, registry)),
    };
  }
  registry.set(fullName, type);
  return type;
}

function toField(f: protobuf.Field, syntax: ProtoSyntax): ProtoField {
  const oneof = f.partOf && !isSyntheticOneof(f.partOf) ? f.partOf.name : undefined;
  return { name: f.name, number: f.id, label: labelOf(f, syntax, oneof !== undefined), oneof, type: fieldType(f) };
}

/**
 * The label as written, which is what Confluent compares. protobufjs drops `optional`, so it is
 * inferred: every proto2 field outside a oneof has a label, and a proto3 `optional` field has
 * protobufjs' synthetic oneof. Maps and oneof members have none.
 */
function labelOf(f: protobuf.Field, syntax: ProtoSyntax, inOneof: boolean): ProtoField['label'] {
  if (f.map || inOneof) return undefined;
  if (f.rule === 'repeated') return 'repeated';
  if (f.required) return 'required';
  return f.partOf || syntax === 'proto2' ? 'optional' : undefined;
}

function fieldType(f: protobuf.Field): ProtoFieldType {
  const value: ProtoFieldType = f.resolvedType
    ? { kind: 'named', fullName: f.resolvedType.fullName.replace(/^\./, '') }
    : { kind: 'scalar', name: f.type as ScalarTypeName };
  return f instanceof protobuf.MapField ? { kind: 'map', key: { kind: 'scalar', name: f.keyType as ScalarTypeName }, value } : value;
}

function layoutOf(file: string, layout: ScannedLayout): ProtoFileLayout {
  const paths = new Map<string, SourcePosition>();
  // `#/` is where PACKAGE_CHANGED is reported: the package statement, or the top of a file without one.
  paths.set('#/', layout.packageAt ?? layout.syntax?.at ?? { line: 1, column: 1 });
  for (const d of layout.declarations) if (!paths.has(d.path)) paths.set(d.path, d.at);
  return { file, paths };
}
