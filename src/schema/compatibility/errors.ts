/**
 * The input is not a usable Avro schema: not JSON, not valid Avro, an unknown named type, or
 * (like Avro Java, which throws there too) a reader field whose aliases match several writer fields.
 * The CLI maps it to exit code 2.
 */
export class SchemaParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaParseError';
  }
}
