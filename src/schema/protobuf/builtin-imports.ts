import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

/** A well-known import protobufjs ships: as reflection JSON (`protobuf.common`) or as .proto text. */
export type BuiltinImport = { json: protobuf.INamespace } | { text: string };

// protobufjs ships the most used google/protobuf files pre-parsed in `protobuf.common`, and the
// .proto text of a few more (descriptor, api, type, source_context, compiler/plugin, google/api/*).
const packageDir = path.dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));

/** A `google/...` import schemas may use without a reference (Confluent has these built in too), if protobufjs has it. */
export function builtinImport(importPath: string): BuiltinImport | undefined {
  const json = protobuf.common.get(importPath);
  if (json) return { json };
  if (!/^google\/[a-z0-9_]+(?:\/[a-z0-9_]+)*\.proto$/.test(importPath)) return undefined;
  const file = path.join(packageDir, importPath);
  return existsSync(file) ? { text: readFileSync(file, 'utf8') } : undefined;
}
