import type { JsonValue } from './json.js';

/** The parsed Avro schema graph. Named-type references point at the one node of their definition, so recursive schemas are cyclic graphs. */
export type AvroSchema = PrimitiveSchema | ArraySchema | MapSchema | UnionSchema | RecordSchema | EnumSchema | FixedSchema;

export const PRIMITIVE_TYPES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];

export interface PrimitiveSchema {
  readonly type: PrimitiveType;
}

export interface ArraySchema {
  readonly type: 'array';
  readonly items: AvroSchema;
}

export interface MapSchema {
  readonly type: 'map';
  readonly values: AvroSchema;
}

export interface UnionSchema {
  readonly type: 'union';
  readonly branches: readonly AvroSchema[];
}

interface NamedSchemaBase {
  /** Unqualified name. */
  readonly name: string;
  readonly namespace: string | undefined;
  readonly fullName: string;
  /** Aliases as Avro Java's Schema.getAliases() reports them: qualified with this type's namespace. */
  readonly aliases: readonly string[];
}

/** Named types are created empty and filled in afterwards, because references may precede definitions. */
export interface RecordSchema extends NamedSchemaBase {
  readonly type: 'record';
  fields: RecordField[];
}

export interface RecordField {
  readonly name: string;
  readonly type: AvroSchema;
  readonly aliases: readonly string[];
  /** The field's default as written (`null` is a default); undefined when there is none. */
  readonly default: JsonValue | undefined;
}

export interface EnumSchema extends NamedSchemaBase {
  readonly type: 'enum';
  symbols: readonly string[];
  /** The enum-level default symbol, used for writer symbols the reader lacks. */
  default: string | undefined;
}

export interface FixedSchema extends NamedSchemaBase {
  readonly type: 'fixed';
  size: number;
}

export type NamedSchema = RecordSchema | EnumSchema | FixedSchema;
