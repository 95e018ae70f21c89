import { UsageError } from '../errors.js';
import { int64 } from '../cli/flag-values.js';

export interface OffsetRow {
  topic: string;
  partition: number;
  offset: bigint;
}

/** Offsets per group, in file order. */
export type OffsetsByGroup = Map<string, OffsetRow[]>;

/*
 * Kafka's reset-plan CSV (kafka-consumer-groups.sh --export / --from-file): no header, one
 * partition per line, `topic,partition,offset` when the command names one group, else
 * `group,topic,partition,offset`. Fields with commas or quotes are quoted (RFC 4180), as
 * Jackson's CSV writer does.
 */

/** Format offsets as Kafka does: 3 columns for a single-group command, 4 (with the group) otherwise. */
export function formatOffsetsCsv(offsets: OffsetsByGroup, withGroup: boolean): string {
  const lines: string[] = [];
  for (const [group, rows] of offsets) {
    for (const r of rows) lines.push([...(withGroup ? [group] : []), r.topic, String(r.partition), r.offset.toString()].map(quote).join(','));
  }
  return lines.map((l) => l + '\n').join('');
}

/**
 * Read a reset plan the way Kafka's tool does: the 3-column form only when the command names a
 * single group (whose offsets it then holds), else the 4-column form. A header line
 * (`topic,partition,offset`) is tolerated though Kafka writes none.
 */
export function parseOffsetsCsv(text: string, groups: string[], file = 'the CSV'): OffsetsByGroup {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => line.trim() !== '');
  if (lines[0] && /^(group,)?topic,partition,offset$/i.test(lines[0].line.replace(/\s/g, ''))) lines.shift();
  const out: OffsetsByGroup = new Map();
  if (lines.length === 0) return out;
  const firstWidth = splitCsvLine(lines[0]!.line, file, lines[0]!.number).length;
  const single = groups.length === 1 && firstWidth === 3;
  for (const { line, number } of lines) {
    const fields = splitCsvLine(line, file, number);
    const where = `${file} line ${number}`;
    if (fields.length !== (single ? 3 : 4)) {
      throw new UsageError(
        `${where}: expected ${single ? 'topic,partition,offset' : 'group,topic,partition,offset'}, got ${fields.length} field${fields.length === 1 ? '' : 's'}`,
        groups.length === 1 ? undefined : 'with several --group flags, the file needs the group in the first column (as `--export` writes it)',
      );
    }
    const [group, topic, partition, offset] = single ? [groups[0]!, ...fields] : fields;
    if (!topic) throw new UsageError(`${where}: empty topic`);
    if (!/^\d+$/.test(partition!.trim())) throw new UsageError(`${where}: partition "${partition}" is not a number`);
    const value = int64(`${where}: offset`, offset);
    const rows = out.get(group!) ?? [];
    const p = Number(partition!.trim());
    // A partition named twice: the later line wins, as Kafka's map does.
    out.set(group!, [...rows.filter((r) => r.topic !== topic || r.partition !== p), { topic, partition: p, offset: value }]);
  }
  return out;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) || field !== field.trim() ? `"${field.replace(/"/g, '""')}"` : field;
}

function splitCsvLine(line: string, file: string, number: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new UsageError(`${file} line ${number}: unterminated quoted field`);
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new UsageError(`${file} line ${number}: text after a closing quote`);
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end === -1 ? line.length : end);
      i = end === -1 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}
