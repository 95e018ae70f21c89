import { SchemaParseError } from './errors.js';

/**
 * A strict JSON reader that keeps what JSON.parse loses: whether a number was written as an
 * integer. Avro Java reads schemas with Jackson, where `1.0` or `1e3` is not a valid `int`/`long`
 * default and `4.0` is not a valid fixed size; matching that needs the literal's kind. Like Avro
 * Java's parser (Jackson with ALLOW_COMMENTS), it skips C-style block and `//` line comments
 * where whitespace may go, but not after the schema: Java reports those as dangling content.
 */
export class JsonNumber {
  constructor(
    readonly value: number,
    /** Exact value of an integer literal (no fraction, no exponent); undefined otherwise. */
    readonly integer: bigint | undefined,
    /** The literal as written, for messages. */
    readonly text: string,
  ) {}
}

/** Objects are Maps so that keys such as "__proto__" stay plain data. */
export type JsonObject = Map<string, JsonValue>;
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

/** Compact JSON text of a value, numbers as written. */
export function jsonText(v: JsonValue): string {
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (isJsonObject(v)) return `{${[...v].map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** jsonText cut short, for messages. */
export function describeJson(v: JsonValue): string {
  const s = jsonText(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Plain JS input (an already parsed schema) goes through its JSON text, so both inputs behave alike. */
export function jsonFromInput(input: string | object): JsonValue {
  if (typeof input === 'string') return parseJson(input);
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (err) {
    throw new SchemaParseError(`schema object is not JSON-serialisable: ${(err as Error).message}`);
  }
  if (text === undefined) throw new SchemaParseError('schema object is not JSON-serialisable');
  return parseJson(text);
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

// Jackson's default StreamReadConstraints (2.17, which Avro 1.12.0 and the registry use).
const MAX_DEPTH = 1000;
const MAX_NUMBER_LENGTH = 1000;

/**
 * A number's length as Jackson measures it against MAX_NUMBER_LENGTH: its digits, less one for
 * each part a number that starts with 0 lacks (its slow path counts an absent fraction or exponent as -1).
 */
function numberLength(m: RegExpExecArray): number {
  const unsigned = m[0].replace(/^-/, '');
  const int = unsigned.length - (m[1]?.length ?? 0) - (m[2]?.length ?? 0);
  if (m[1] === undefined && m[2] === undefined) return int;
  const absent = unsigned.startsWith('0') ? -1 : 0;
  const fraction = m[1] === undefined ? absent : m[1].length - 1;
  const exponent = m[2] === undefined ? absent : m[2].replace(/^[eE][+-]?/, '').length;
  return int + fraction + exponent;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseJson(text: string): JsonValue {
  let pos = 0;

  const fail = (what: string): never => {
    throw new SchemaParseError(`schema is not valid JSON: ${what} at offset ${pos}`);
  };
  const skipWs = () => {
    for (;;) {
      while (pos < text.length && ' \t\n\r'.includes(text[pos] as string)) pos++;
      if (text.startsWith('/*', pos)) {
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) fail('unterminated comment');
        pos = end + 2;
      } else if (text.startsWith('//', pos)) {
        while (pos < text.length && text[pos] !== '\n' && text[pos] !== '\r') pos++;
      } else {
        return;
      }
    }
  };
  const expect = (ch: string) => {
    skipWs();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };

  const readString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      const ch = text[pos];
      if (ch === undefined) return fail('unterminated string');
      pos++;
      if (ch === '"') return out;
      if (ch < ' ') fail('control character in string');
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = text[pos++];
      if (esc === 'u') {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 4;
      } else {
        const decoded = esc === undefined ? undefined : ESCAPES[esc];
        if (decoded === undefined) fail('bad escape');
        out += decoded;
      }
    }
  };

  let depth = 0;
  const enter = () => {
    if (++depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    pos++;
  };
  const leave = <T extends JsonValue>(container: T): T => {
    depth--;
    pos++;
    return container;
  };

  const readValue = (): JsonValue => {
    skipWs();
    const ch = text[pos];
    if (ch === '{') {
      enter();
      const obj: JsonObject = new Map();
      skipWs();
      if (text[pos] === '}') return leave(obj);
      for (;;) {
        const key = readString();
        expect(':');
        obj.set(key, readValue()); // duplicate keys: last wins, as with Jackson's defaults
        skipWs();
        if (text[pos] === '}') return leave(obj);
        expect(',');
      }
    }
    if (ch === '[') {
      enter();
      const arr: JsonValue[] = [];
      skipWs();
      if (text[pos] === ']') return leave(arr);
      for (;;) {
        arr.push(readValue());
        skipWs();
        if (text[pos] === ']') return leave(arr);
        expect(',');
      }
    }
    if (ch === '"') return readString();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected token');
    pos += m[0].length;
    const isInteger = m[1] === undefined && m[2] === undefined;
    if (numberLength(m) > MAX_NUMBER_LENGTH) fail(`number longer than ${MAX_NUMBER_LENGTH} digits`);
    return new JsonNumber(Number(m[0]), isInteger ? BigInt(m[0]) : undefined, m[0]);
  };

  const value = readValue();
  // Avro Java reads no further than the schema and trims what is left as String.trim() does.
  while (pos < text.length && (text[pos] as string) <= ' ') pos++;
  if (pos < text.length) fail('unexpected content after the schema');
  return value;
}
