import { SchemaParseError } from './errors.js';
import type { AvroSchema, EnumSchema, FixedSchema, NamedSchema, RecordField, RecordSchema, UnionSchema } from './types.js';

/*
 * Can a reader schema read data written with a writer schema? This follows Avro Java's
 * SchemaCompatibility.checkReaderWriterCompatibility step for step (the check Apicurio Registry
 * runs), including where it departs from the letter of the spec:
 *  - named types match on their unqualified names (namespaces are ignored), or when a reader
 *    alias equals the writer's full name;
 *  - logical types play no part (decimal precision/scale are not compared);
 *  - a reader field missing in the writer is fine only with a field default; an enum-level
 *    default does not stand in for it;
 *  - the traversal order and memo are the same, so recursive schemas give the same answers.
 */

/** Avro Java's SchemaIncompatibilityType. */
export type IncompatibilityKind =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface Incompatibility {
  kind: IncompatibilityKind;
  /** Where, as a JSON-pointer-like path naming fields: `/fields/amount/type`; writer union branches are their index. */
  path: string;
  /**
   * The same place as Avro Java's Incompatibility.getLocation() (field positions instead of names), as a registry
   * reports it. One difference: for a type pair met at several places, Java repeats the first place; this gives each.
   */
  location: string;
  message: string;
}

export interface ReaderWriterResult {
  compatible: boolean;
  incompatibilities: Incompatibility[];
}

/** One step down the schema: how it reads in `path` and in Avro Java's `location`. */
interface Step {
  path: string;
  location: string;
}

/** An incompatibility with its steps relative to the (reader, writer) pair it was found under, so memoized results can be reused anywhere. */
interface Found {
  kind: IncompatibilityKind;
  steps: Step[];
  message: string;
}

const step = (token: string): Step => ({ path: token, location: token });
const ITEMS = step('items');
const VALUES = step('values');
const TYPE = step('type');

const under = (steps: Step[], found: Found[]): Found[] => found.map((f) => ({ ...f, steps: [...steps, ...f.steps] }));

/** Writer type promotions the spec allows. */
const PROMOTIONS: Partial<Record<AvroSchema['type'], readonly AvroSchema['type'][]>> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
};

/** A short human label: `int`, `array<long>`, `record com.acme.Order`, `[null, string]`. */
function describeSchema(s: AvroSchema): string {
  switch (s.type) {
    case 'array':
      return `array<${describeSchema(s.items)}>`;
    case 'map':
      return `map<${describeSchema(s.values)}>`;
    case 'union':
      return `[${s.branches.map(describeSchema).join(', ')}]`;
    case 'record':
    case 'enum':
    case 'fixed':
      return `${s.type} ${s.fullName}`;
    default:
      return s.type;
  }
}

const typeMismatch = (reader: AvroSchema, writer: AvroSchema): Found => ({
  kind: 'TYPE_MISMATCH',
  steps: [],
  message: `reader ${describeSchema(reader)} cannot read writer ${describeSchema(writer)}`,
});

const IN_PROGRESS = Symbol('in progress');

class ReaderWriterChecker {
  /** (reader, writer) node pairs by identity, as Avro Java memoizes them; IN_PROGRESS marks pairs on the current path. */
  private readonly memo = new Map<AvroSchema, Map<AvroSchema, Found[] | typeof IN_PROGRESS>>();

  check(reader: AvroSchema, writer: AvroSchema): Found[] {
    let row = this.memo.get(reader);
    if (!row) this.memo.set(reader, (row = new Map()));
    const known = row.get(writer);
    // Back at a pair under check (a recursive type): compatible unless proven otherwise on the way.
    if (known === IN_PROGRESS) return [];
    if (known) return known;
    row.set(writer, IN_PROGRESS);
    const found = this.compute(reader, writer);
    row.set(writer, found);
    return found;
  }

  private compute(r: AvroSchema, w: AvroSchema): Found[] {
    if (r.type === 'array' && w.type === 'array') return under([ITEMS], this.check(r.items, w.items));
    if (r.type === 'map' && w.type === 'map') return under([VALUES], this.check(r.values, w.values));
    if (r.type === 'fixed' && w.type === 'fixed') return [...this.names(r, w), ...this.size(r, w)];
    if (r.type === 'enum' && w.type === 'enum') return [...this.names(r, w), ...this.symbols(r, w)];
    if (r.type === 'record' && w.type === 'record') return [...this.names(r, w), ...this.fields(r, w)];
    if (r.type === 'union' && w.type === 'union') return this.writerBranches(r, w);
    if (r.type === w.type) return []; // the same primitive

    // Every branch the writer may have used must be readable.
    if (w.type === 'union') return w.branches.flatMap((b, i) => under([step(String(i))], this.check(r, b)));
    if (r.type === 'union') {
      // The first reader branch that can read the writer is the one resolution picks.
      for (const b of r.branches) if (this.check(b, w).length === 0) return [];
      const message = `no branch of reader union ${describeSchema(r)} can read writer ${describeSchema(w)}`;
      return [{ kind: 'MISSING_UNION_BRANCH', steps: [], message }];
    }
    return PROMOTIONS[r.type]?.includes(w.type) ? [] : [typeMismatch(r, w)];
  }

  /** Union to union: each writer branch is reported on its own, without the detail of why no reader branch fits. */
  private writerBranches(r: UnionSchema, w: UnionSchema): Found[] {
    return w.branches.flatMap((b, i): Found[] =>
      this.check(r, b).length === 0
        ? []
        : [
            {
              kind: 'MISSING_UNION_BRANCH',
              steps: [step(String(i))],
              message: `no branch of reader union ${describeSchema(r)} can read writer branch ${describeSchema(b)}`,
            },
          ],
    );
  }

  private names(r: NamedSchema, w: NamedSchema): Found[] {
    if (r.name === w.name || r.aliases.includes(w.fullName)) return [];
    const aliases = r.aliases.length > 0 ? ` or any reader alias (${r.aliases.join(', ')})` : '';
    const message = `reader ${r.type} name "${r.fullName}" does not match writer name "${w.fullName}"${aliases}`;
    return [{ kind: 'NAME_MISMATCH', steps: [step('name')], message }];
  }

  private size(r: FixedSchema, w: FixedSchema): Found[] {
    if (r.size === w.size) return [];
    const message = `reader fixed size ${r.size} does not match writer size ${w.size}`;
    return [{ kind: 'FIXED_SIZE_MISMATCH', steps: [step('size')], message }];
  }

  private symbols(r: EnumSchema, w: EnumSchema): Found[] {
    const missing = w.symbols.filter((s) => !r.symbols.includes(s)).sort();
    // Resolution maps unknown writer symbols to the reader's enum default.
    if (missing.length === 0 || r.default !== undefined) return [];
    const quoted = missing.map((s) => `"${s}"`).join(', ');
    const message =
      missing.length === 1
        ? `writer symbol ${quoted} is missing in the reader enum and the reader has no default`
        : `writer symbols ${quoted} are missing in the reader enum and the reader has no default`;
    return [{ kind: 'MISSING_ENUM_SYMBOLS', steps: [step('symbols')], message }];
  }

  private fields(r: RecordSchema, w: RecordSchema): Found[] {
    return r.fields.flatMap((rf, i): Found[] => {
      const at: Step[] = [step('fields'), { path: rf.name, location: String(i) }];
      const wf = writerField(w, rf);
      if (wf) return under([...at, TYPE], this.check(rf.type, wf.type));
      if (rf.default !== undefined) return [];
      if (rf.type.type === 'enum' && rf.type.default !== undefined) {
        // Avro Java checks such a field's enum against the whole writer record, which always fails as a type mismatch.
        const message = `reader field "${rf.name}" has no default and is missing in the writer (an enum default symbol is not a field default)`;
        return [{ kind: 'TYPE_MISMATCH', steps: [...at, TYPE], message }];
      }
      const message = `reader field "${rf.name}" has no default and is missing in the writer`;
      return [{ kind: 'READER_FIELD_MISSING_DEFAULT_VALUE', steps: at, message }];
    });
  }
}

/** The writer field a reader field reads: same name, or one of the reader field's aliases. */
function writerField(w: RecordSchema, rf: RecordField): RecordField | undefined {
  const matches = [rf.name, ...rf.aliases].flatMap((n) => w.fields.filter((f) => f.name === n));
  if (matches.length > 1) {
    // Avro Java throws here rather than reporting an incompatibility, so a registry answers with an error.
    const names = matches.map((f) => `"${f.name}"`).join(', ');
    throw new SchemaParseError(`reader field "${rf.name}" matches several fields of writer record "${w.fullName}" by name or alias: ${names}`);
  }
  return matches[0];
}

const render = (steps: Step[], key: keyof Step) => `/${steps.map((s) => s[key]).join('/')}`;

/** Check one reader/writer pair of parsed schemas; reports every incompatibility found. */
export function checkReaderWriter(reader: AvroSchema, writer: AvroSchema): ReaderWriterResult {
  const found = new ReaderWriterChecker().check(reader, writer);
  const incompatibilities = found.map((f) => ({
    kind: f.kind,
    path: render(f.steps, 'path'),
    location: render(f.steps, 'location'),
    message: f.message,
  }));
  return { compatible: incompatibilities.length === 0, incompatibilities };
}
