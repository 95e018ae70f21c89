import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { displayWidth, truncate } from '../text/text-width.js';
import type { ConsumedRecord } from '../kafka/record-reader.js';
import { JsonLineSink } from './json-line-sink.js';
import type { DecodedSide } from './record-decoding.js';
import { type RecordView, writeRecordJson } from './record-json.js';
import { compileTemplate } from './record-template.js';
import type { ConsumeSummary, RecordSink } from './topic-consume.js';

/** Write and wait while the stream is full, so a slow pipe holds the read back instead of filling memory. */
async function writeOut(stream: Writable, chunk: Buffer | string): Promise<void> {
  if (chunk.length === 0) return;
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** One JSON object per record and line (rpk's and kcat -J's habit): for pipes. */
export function jsonLinesSink(stream: Writable): RecordSink {
  const sink = new JsonLineSink();
  return {
    wantsView: false,
    write: (r, key, value) => writeRecordJson(sink, r, key, value),
    flush: () => writeOut(stream, sink.take()),
  };
}

/** `--json`: one document, `{"records":[...],"summary":{...}}`, streamed as it is read. */
export function jsonDocumentSink(stream: Writable): RecordSink & { finish(summary: ConsumeSummary): Promise<void> } {
  const sink = new JsonLineSink();
  let first = true;
  sink.ascii('{"records":[');
  return {
    wantsView: false,
    write(r, key, value) {
      if (!first) sink.ascii(',');
      first = false;
      writeRecordJson(sink, r, key, value);
    },
    flush: () => writeOut(stream, sink.take()),
    async finish(summary) {
      sink.ascii('],"summary":').json(summary).ascii('}\n');
      await writeOut(stream, sink.take());
    },
  };
}

/** kcat's -f. */
export function templateSink(stream: Writable, template: string): RecordSink {
  const render = compileTemplate(template);
  let out: string[] = [];
  return {
    wantsView: true,
    write: (r, _key, _value, view) => void out.push(render(view!, { key: r.key?.length ?? -1, value: r.value?.length ?? -1 })),
    async flush() {
      const text = out.join('');
      out = [];
      await writeOut(stream, text);
    },
  };
}

/** In a terminal: a line per record that fits the width, the value cut short. */
export function tableSink(stream: Writable & { columns?: number }): RecordSink {
  let out: string[] = [];
  let header = true;
  return {
    wantsView: true,
    write(r: ConsumedRecord, _key: DecodedSide, _value: DecodedSide, view: RecordView | undefined) {
      const width = stream.columns ?? 120;
      // Room for a whole UUID key when the terminal is wide.
      const keyWidth = width >= 140 ? 36 : 20;
      if (header) out.push(`${'PART'.padStart(4)} ${'OFFSET'.padStart(10)} ${'TIMESTAMP'.padEnd(24)} ${'KEY'.padEnd(keyWidth)} VALUE`);
      header = false;
      const v = view!;
      const key = truncate(oneLine(v.key), keyWidth);
      const head = `${String(r.partition).padStart(4)} ${String(r.offset).padStart(10)} ${new Date(r.timestamp).toISOString().padEnd(24)} ${key}${' '.repeat(Math.max(0, keyWidth - displayWidth(key)))} `;
      const value = v.valueError ? `(${v.valueFormat}: ${v.valueError})` : oneLine(v.value);
      out.push(head + truncate(value, Math.max(10, width - displayWidth(head))));
    },
    async flush() {
      const text = out.length ? out.join('\n') + '\n' : '';
      out = [];
      await writeOut(stream, text);
    },
  };
}

function oneLine(v: unknown): string {
  if (v === null || v === undefined) return '(null)';
  return (typeof v === 'string' ? v : JSON.stringify(v)).replace(/[\r\n\t]/g, ' ');
}

/** Views kept in memory (the dashboard's record view, tests): at most `keep`, the newest. */
export function collectingSink(keep: number): RecordSink & { views: RecordView[] } {
  const views: RecordView[] = [];
  return {
    wantsView: true,
    views,
    write(_r, _key, _value, view) {
      views.push(view!);
      if (views.length > keep) views.shift();
    },
    flush: async () => undefined,
  };
}
