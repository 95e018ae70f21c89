import protobuf from 'protobufjs';
import type { SourcePosition } from '../schema-location.js';

/** A token of .proto text where it starts; a quoted string is one token (its unescaped content). */
interface Token extends SourcePosition {
  text: string;
  isString: boolean;
}

/** A named thing in a .proto file: a message, enum, oneof, field or enum value. */
export interface Declaration {
  /** Confluent path of the enclosing message or enum (`#` at file level). */
  scope: string;
  name: string;
  /** Field or enum value number. */
  number?: number;
  /** The Confluent path it answers to (`#/Msg`, `#/Msg/2`, `#/Msg/choice/3`, `#/Enum/1`). */
  path: string;
  at: SourcePosition;
}

/** Where things are in one file's text, found from protobufjs' tokenizer (protobufjs' reflection keeps no positions). */
export interface ScannedLayout {
  /** The `syntax`/`edition` statement's value and place, if the file has one. */
  syntax?: { value: string; isEdition: boolean; at: SourcePosition };
  packageAt?: SourcePosition;
  /** Each import statement by the path it imports. */
  imports: Map<string, SourcePosition>;
  declarations: Declaration[];
}

/**
 * Tokenize with protobufjs (it skips comments and knows strings) and walk the block structure.
 * Only run on text protobufjs parsed, or at least tokenized, so the walk can trust the grammar;
 * it never throws past the end of the tokens.
 */
export function scanLayout(source: string): ScannedLayout {
  return new LayoutWalker(tokenize(source)).walk();
}

/** Column (1-based) of the token `text` on `line`, when it is that line's only such token. */
export function tokenColumn(source: string, line: number, text: string): number | undefined {
  let onLine: Token[];
  try {
    onLine = tokenize(source).filter((t) => t.line === line && !t.isString && t.text === text);
  } catch {
    return undefined; // text the tokenizer itself refuses
  }
  return onLine.length === 1 ? onLine[0]!.column : undefined;
}

function tokenize(source: string): Token[] {
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const tn = protobuf.tokenize(source, false);
  const tokens: Token[] = [];
  let searchFrom = 0;
  // The tokenizer gives lines only: a token's column is where its text next occurs on its line.
  const find = (text: string, line: number): { at: SourcePosition; offset: number | undefined } => {
    const lineStart = lineStarts[line - 1] ?? 0;
    const offset = source.indexOf(text, Math.max(searchFrom, lineStart));
    if (offset === -1 || offset >= (lineStarts[line] ?? source.length + 1)) return { at: { line, column: 1 }, offset: undefined };
    searchFrom = offset + text.length;
    return { at: { line, column: offset - lineStart + 1 }, offset };
  };
  for (let text = tn.next(); text !== null; text = tn.next()) {
    if (text === '"' || text === "'") {
      const { at, offset } = find(text, tn.line);
      const content = tn.next() ?? '';
      tn.next(); // the closing quote
      if (offset !== undefined) searchFrom = closingQuote(source, offset) + 1;
      tokens.push({ text: content, isString: true, ...at });
    } else {
      tokens.push({ text, isString: false, ...find(text, tn.line).at });
    }
  }
  return tokens;
}

/** Offset of the quote that closes the string opened at `open`, past backslash escapes. */
function closingQuote(source: string, open: number): number {
  let i = open + 1;
  while (i < source.length && source[i] !== source[open]) i += source[i] === '\\' ? 2 : 1;
  return i;
}

class LayoutWalker {
  private i = 0;
  private readonly layout: ScannedLayout = { imports: new Map(), declarations: [] };

  constructor(private readonly tokens: Token[]) {}

  walk(): ScannedLayout {
    while (this.peek()) {
      const t = this.peek()!;
      if (t.isString) this.skipStatement();
      else if (t.text === 'syntax' || t.text === 'edition') this.syntaxStatement(t);
      else if (t.text === 'package') {
        this.layout.packageAt = { line: t.line, column: t.column };
        this.skipStatement();
      } else if (t.text === 'import') this.importStatement(t);
      else if (t.text === '}') this.i++; // unbalanced: never in text protobufjs parsed
      else this.definition('#');
    }
    return this.layout;
  }

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.i + ahead];
  }

  private next(): Token | undefined {
    return this.tokens[this.i++];
  }

  private is(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t !== undefined && !t.isString && t.text === text;
  }

  /** Edition 2024's `export`/`local` before a message or enum. */
  private isVisibility(): boolean {
    return (this.is('export') || this.is('local')) && (this.is('message', 1) || this.is('enum', 1));
  }

  private syntaxStatement(keyword: Token): void {
    const value = this.peek(2);
    if (this.is('=', 1) && value?.isString) {
      this.layout.syntax ??= { value: value.text, isEdition: keyword.text === 'edition', at: { line: value.line, column: value.column } };
    }
    this.skipStatement();
  }

  private importStatement(keyword: Token): void {
    let ahead = 1;
    while (this.is('public', ahead) || this.is('weak', ahead)) ahead++;
    const path = this.peek(ahead);
    if (path?.isString && !this.layout.imports.has(path.text)) this.layout.imports.set(path.text, { line: keyword.line, column: keyword.column });
    this.skipStatement();
  }

  /** A statement at file or message level that may declare something; anything else is skipped. */
  private definition(scope: string): void {
    if (this.isVisibility()) this.i++;
    if (this.is('message')) this.message(scope);
    else if (this.is('enum')) this.enumeration(scope);
    else if (this.is('service') || this.is('extend')) this.skipBlock();
    else this.skipStatement();
  }

  private message(scope: string): void {
    this.i++;
    const path = this.declare(scope);
    if (!path || !this.is('{')) return this.skipStatement();
    this.i++;
    while (this.peek() && !this.is('}')) {
      if (this.is('oneof')) this.oneof(path);
      else if (this.is('message') || this.is('enum') || this.is('extend') || this.isVisibility()) this.definition(path);
      else if (['option', 'reserved', 'extensions', ';'].some((k) => this.is(k))) this.skipStatement();
      else this.field(path, path);
    }
    this.i++;
  }

  private oneof(messagePath: string): void {
    this.i++;
    const path = this.declare(messagePath);
    if (!path || !this.is('{')) return this.skipStatement();
    this.i++;
    while (this.peek() && !this.is('}')) {
      if (this.is('option') || this.is(';')) this.skipStatement();
      else this.field(messagePath, path);
    }
    this.i++;
  }

  private enumeration(scope: string): void {
    this.i++;
    const path = this.declare(scope);
    if (!path || !this.is('{')) return this.skipStatement();
    this.i++;
    while (this.peek() && !this.is('}')) {
      if (['option', 'reserved', ';'].some((k) => this.is(k))) this.skipStatement();
      else {
        const name = this.peek();
        const number = this.is('=', 1) ? integer(this.peek(2)?.text) : undefined;
        // Confluent keys constants by number, the last one declared winning: so does the path.
        if (name && number !== undefined) {
          this.record({ scope: path, name: name.text, number, path: `${path}/${number}`, at: { line: name.line, column: name.column } }, true);
        }
        this.skipStatement();
      }
    }
    this.i++;
  }

  /** `[label] type name = number [options];`, `map<k, v> name = number;` or a proto2 group (not compared by Confluent, so not recorded). */
  private field(messagePath: string, containerPath: string): void {
    let ahead = 0;
    while (this.peek(ahead) && !['=', ';', '}'].some((k) => this.is(k, ahead))) ahead++;
    const name = ahead > 0 ? this.peek(ahead - 1) : undefined;
    const number = this.is('=', ahead) ? integer(this.peek(ahead + 1)?.text) : undefined;
    const isGroup = this.is('group') || this.is('group', 1);
    if (name && number !== undefined && !isGroup) {
      const at = { line: name.line, column: name.column };
      this.record({ scope: messagePath, name: name.text, number, path: `${containerPath}/${number}`, at });
      // A oneof member also answers to its plain path, where a field that leaves the oneof is reported.
      if (containerPath !== messagePath) this.record({ scope: messagePath, name: name.text, number, path: `${messagePath}/${number}`, at });
    }
    if (isGroup) this.skipBlock();
    else this.skipStatement();
  }

  /** Record the name after a keyword as a declaration in `scope`; its path. */
  private declare(scope: string): string | undefined {
    const name = this.peek();
    if (!name || name.isString) return undefined;
    this.i++;
    const path = `${scope}/${name.text}`;
    this.record({ scope, name: name.text, path, at: { line: name.line, column: name.column } });
    return path;
  }

  private record(declaration: Declaration, lastWins = false): void {
    const list = this.layout.declarations;
    const earlier = lastWins ? list.findIndex((d) => d.path === declaration.path) : -1;
    if (earlier !== -1) list.splice(earlier, 1);
    list.push(declaration);
  }

  /** Up to and including the `;` that ends the statement, past any `{...}` or `[...]` in it; stops before a `}` that closes the enclosing block. */
  private skipStatement(): void {
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (!t.isString && t.text === '}' && depth === 0) return;
      this.i++;
      if (t.isString) continue;
      if (t.text === '{') depth++;
      else if (t.text === '}') depth--;
      else if (t.text === ';' && depth === 0) return;
    }
  }

  /** Up to and including the `}` that closes the statement's block. */
  private skipBlock(): void {
    while (this.peek() && !this.is('{')) this.i++;
    let depth = 0;
    for (let t = this.next(); t; t = this.next()) {
      if (t.isString) continue;
      if (t.text === '{') depth++;
      else if (t.text === '}' && --depth === 0) return;
    }
  }
}

/** A .proto integer literal (decimal, hex or octal, maybe negative), as protobufjs reads field and enum numbers. */
function integer(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^(-?)(?:0[xX]([0-9a-fA-F]+)|0([0-7]+)|(0|[1-9][0-9]*))$/.exec(text);
  if (!m) return undefined;
  const value = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 8) : parseInt(m[4]!, 10);
  return m[1] ? -value : value;
}
