import type { DiffFormat } from './diff-compatibility.js';
import { type ParsedJsonSchema, compareJsonSchemas, locateJsonPointer, parseJsonSchema } from './json-schema/index.js';
import { type ParsedProto, compareProtos, locateProtoPath, parseProto } from './protobuf/index.js';
import type { SchemaType } from './registry-client.js';
import type { SchemaFile } from './schema-file.js';

/*
 * The registry's other two schema types, as `schema check` and `schema register` read and
 * check them: each by Confluent's difference rules (diff-compatibility.ts). Avro keeps its own
 * reader-writer check (compatibility/), which follows Avro Java.
 */

const protobuf: DiffFormat<ParsedProto> = {
  parse: (f) => parseProto(f.source ?? f.text, f.path, f.imports ?? {}),
  compare: compareProtos,
  // A place in an imported file is not in the checked file: the annotation goes to the file's top.
  locate: (parsed, path) => {
    const at = locateProtoPath(parsed, path);
    return at && at.file === parsed.file ? { line: at.line, column: at.column } : undefined;
  },
};

const jsonSchema: DiffFormat<ParsedJsonSchema> = {
  parse: (f) => parseJsonSchema(f.source ?? f.text, f.path, f.imports ?? {}),
  compare: (original, update) => compareJsonSchemas(original, update),
  locate: locateJsonPointer,
};

export const DIFF_FORMATS: Record<Exclude<SchemaType, 'AVRO'>, DiffFormat<unknown>> = {
  JSON: jsonSchema as DiffFormat<unknown>,
  PROTOBUF: protobuf as DiffFormat<unknown>,
};

/** How a schema file names the other files it needs: Protobuf imports, JSON Schema `$ref`s to other documents. */
export function importsOf(type: SchemaType, source: string): string[] {
  if (type === 'PROTOBUF') return [...source.matchAll(/^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm)].map((m) => m[1]!).filter((p) => !p.startsWith('google/'));
  if (type === 'JSON') return [...source.matchAll(/"\$ref"\s*:\s*"([^"#]+)(?:#[^"]*)?"/g)].map((m) => m[1]!).filter((r) => !/^[a-z]+:/i.test(r));
  return [];
}

/** Parse a Protobuf or JSON Schema file to check it is one: SchemaParseError (file, line, reason) when not. */
export function validateSchemaFile(file: SchemaFile & { schemaType: Exclude<SchemaType, 'AVRO'> }): void {
  DIFF_FORMATS[file.schemaType].parse(file);
}
