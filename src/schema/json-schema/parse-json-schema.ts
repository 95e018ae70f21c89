import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type JsonDocument, JsonSchemaParseError, positionOf, readJsonDocument } from './json-text.js';
import { Draft07Loader } from './load-draft-07.js';
import { Draft2020Loader } from './load-draft-2020-12.js';
import { isObject, RefResolutionError, SchemaDocuments } from './schema-documents.js';
import type { SchemaModel } from './schema-model.js';

export type JsonSchemaDraft = 'draft-07' | '2020-12';

/** A JSON Schema checked against its draft's meta-schema, ready to compare. */
export interface ParsedJsonSchema {
  readonly file: string;
  readonly text: string;
  readonly draft: JsonSchemaDraft;
  /** The JSON document as parsed. */
  readonly document: unknown;
  /** @internal The schema graph the comparison walks. */
  readonly model: SchemaModel;
  /** @internal The parsed file and its references, for locating paths. */
  readonly source: JsonDocument;
}

/** `$schema` values the registry recognises (a trailing `#` is ignored); any other value, or none, means draft-07. */
const DRAFT_URLS: Record<string, JsonSchemaDraft | 'draft-04' | 'draft-06' | '2019-09'> = {
  'http://json-schema.org/draft-04/schema': 'draft-04',
  'https://json-schema.org/draft-04/schema': 'draft-04',
  'http://json-schema.org/schema': 'draft-04',
  'https://json-schema.org/schema': 'draft-04',
  'http://json-schema.org/draft-06/schema': 'draft-06',
  'https://json-schema.org/draft-06/schema': 'draft-06',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft-07/schema': 'draft-07',
  'http://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'http://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};

/**
 * Parses a JSON Schema file. `references` maps the name a `$ref` uses for another registered
 * schema (e.g. "customer.json") to that schema's text, as Confluent schema references do.
 * Throws JsonSchemaParseError (a SchemaParseError: exit code 2) naming file, line, column and
 * reason when the text is not JSON, is not a valid JSON Schema of its draft (draft-07 unless
 * `$schema` says 2020-12), uses a draft the checker does not model, or has a `$ref` that
 * resolves to nothing.
 */
export function parseJsonSchema(text: string, file = '<schema>', references: Record<string, string> = {}): ParsedJsonSchema {
  const source = readJsonDocument(text, file);
  const draft = draftOf(source);
  validateAgainstMetaSchema(source, draft);
  const documents = new SchemaDocuments(source);
  for (const [name, referenceText] of Object.entries(references)) {
    const reference = readJsonDocument(referenceText, name);
    validateAgainstMetaSchema(reference, isObject(reference.json) && reference.json.$schema !== undefined ? draftOf(reference) : draft);
    documents.addReference(name, reference);
  }
  const loader = draft === '2020-12' ? new Draft2020Loader(documents) : new Draft07Loader(documents);
  try {
    const model = loader.load(source.json);
    resolveAll(model);
    return { file, text, draft, document: source.json, model, source };
  } catch (err) {
    if (err instanceof RefResolutionError) {
      const { line, column } = positionOf(err.at.document, err.at.pointer);
      throw new JsonSchemaParseError(err.at.document.file, line, column, err.reason);
    }
    throw err;
  }
}

function draftOf(doc: JsonDocument): JsonSchemaDraft {
  const declared = isObject(doc.json) ? doc.json.$schema : undefined;
  if (typeof declared !== 'string') return 'draft-07';
  const draft = DRAFT_URLS[declared.replace(/#$/, '')] ?? 'draft-07';
  if (draft === 'draft-07' || draft === '2020-12') return draft;
  const { line, column } = positionOf(doc, ['$schema']);
  throw new JsonSchemaParseError(doc.file, line, column, `JSON Schema ${draft} is not supported: use draft-07 or 2020-12`);
}

let validators: Record<JsonSchemaDraft, ValidateFunction> | undefined;

function metaSchemaValidator(draft: JsonSchemaDraft): ValidateFunction {
  validators ??= {
    'draft-07': metaSchema(new Ajv({ allErrors: true, strict: false }), 'http://json-schema.org/draft-07/schema'),
    '2020-12': metaSchema(new Ajv2020({ allErrors: true, strict: false }), 'https://json-schema.org/draft/2020-12/schema'),
  };
  return validators[draft];
}

function metaSchema(ajv: Ajv | Ajv2020, id: string): ValidateFunction {
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`internal: ajv has no meta-schema ${id}`);
  return validate;
}

function validateAgainstMetaSchema(doc: JsonDocument, draft: JsonSchemaDraft): void {
  const validate = metaSchemaValidator(draft);
  if (validate(doc.json)) return;
  const errors = validate.errors ?? [];
  // The deepest place first: an anyOf's own error only restates its branches'.
  const deepest = errors.reduce<ErrorObject | undefined>(
    (best, e) => (!best || e.instancePath.length > best.instancePath.length ? e : best),
    undefined,
  );
  const path = deepest?.instancePath ?? '';
  const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const here = errors.filter((e) => e.instancePath === path);
  // An anyOf/oneOf's own error only says its branches failed; the branches say how.
  const specific = here.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  const problems = [...new Set((specific.length > 0 ? specific : here).map(describe))];
  const keyword = segments.length > 0 ? `"${segments[segments.length - 1]}" at #${path}` : 'the schema';
  const { line, column } = positionOf(doc, segments);
  throw new JsonSchemaParseError(
    doc.file,
    line,
    column,
    `not a valid JSON Schema (${draft}): ${keyword} ${problems.join(', or ') || 'is invalid'}`,
  );
}

function describe(e: ErrorObject): string {
  const params = e.params as { allowedValues?: unknown[]; type?: string | string[] };
  if (e.keyword === 'enum' && params.allowedValues) return `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'type' && params.type) return `must be ${[params.type].flat().join(' or ')}`;
  return e.message ?? `fails ${e.keyword}`;
}

/** Loads every referenced schema now, so a bad `$ref` anywhere reachable fails the parse, not the comparison. */
function resolveAll(root: SchemaModel): void {
  const seen = new Set<SchemaModel>();
  const pending = [root];
  for (let m = pending.pop(); m; m = pending.pop()) {
    if (seen.has(m)) continue;
    seen.add(m);
    pending.push(...children(m));
  }
}

function children(m: SchemaModel): SchemaModel[] {
  const out: SchemaModel[] = [];
  for (const u of m.unprocessed.values()) if ('schema' in u) out.push(u.schema);
  switch (m.kind) {
    case 'ref':
      out.push(m.target());
      break;
    case 'array':
      out.push(...[m.allItems, m.additionalItemsSchema, m.contains].filter((s) => s !== undefined), ...(m.itemSchemas ?? []));
      break;
    case 'object':
      out.push(...m.properties.values(), ...m.patternProperties.values(), ...m.schemaDependencies.values());
      if (m.additionalPropertiesSchema) out.push(m.additionalPropertiesSchema);
      if (m.propertyNames) out.push(m.propertyNames);
      break;
    case 'combined':
      out.push(...m.subschemas);
      break;
    case 'not':
      out.push(m.mustNotMatch);
      break;
    case 'conditional':
      out.push(...[m.ifSchema, m.thenSchema, m.elseSchema].filter((s) => s !== undefined));
      break;
    default:
      break;
  }
  return out;
}
