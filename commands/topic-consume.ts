import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { positiveInt } from '../src/cli/flag-values.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { type Isolation, withTopicReader } from '../src/kafka/topic-reader.js';
import { parseEnd, parseStart } from '../src/records/read-range.js';
import { type BytesEncoding, RecordDecoder } from '../src/records/record-decoding.js';
import { compileFilter } from '../src/records/record-filter.js';
import { jsonDocumentSink, jsonLinesSink, tableSink, templateSink } from '../src/records/record-sinks.js';
import { type ConsumeSummary, consumeTopic } from '../src/records/topic-consume.js';
import { RegistryClient } from '../src/schema/registry-client.js';

type ConsumeArgs = GlobalArgs & {
  topic: string;
  from: string;
  until?: string;
  partition?: string;
  count?: string;
  follow: boolean;
  where: string[];
  format?: string;
  output?: 'jsonl' | 'table';
  isolation: Isolation;
  bytes: BytesEncoding;
};

export const consumeCommand: CommandModule<GlobalArgs, ConsumeArgs> = {
  command: 'consume <topic>',
  describe: 'Read records of any topic (no consumer group), decoded through the schema registry: JSON lines in a pipe, a table in a terminal',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', demandOption: true })
      .option('from', { alias: 'o', type: 'string', default: 'earliest', describe: 'Start: earliest, latest, an offset (42, or 0:42,1:17 per partition), -N (the last N records of each partition), a time (2026-12-01T10:00:00Z, @EPOCH_MS, 30m ago)' })
      .option('until', { alias: 'e', type: 'string', describe: 'Stop: end (the end offsets as of the start, like kcat -e; the default unless --follow; -e alone says it too), an offset, or a time' })
      .option('partition', { alias: 'p', type: 'string', describe: 'Only these partitions, e.g. 0 or 0,3' })
      .option('count', { alias: 'c', type: 'string', describe: 'Stop after this many records (after --where)' })
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep reading as records arrive (Ctrl-C stops)' })
      .option('where', { type: 'string', array: true, default: [], describe: "Only records where this Jexl expression holds, e.g. 'value.total_minor > 10000' or 'headers[\"streamflow.service\"] == \"payment\"' (repeatable: all must hold)" })
      .option('format', { type: 'string', describe: 'kcat -f template: %t %p %o %T %k %s %K %S %h, \\n \\t' })
      .option('output', { choices: ['jsonl', 'table'] as const, describe: 'jsonl (default in a pipe) or table (default in a terminal)' })
      .option('isolation', { choices: ['read_committed', 'read_uncommitted'] as const, default: 'read_committed' as Isolation, describe: 'read_uncommitted also shows records of open and aborted transactions' })
      .option('bytes', { choices: ['base64', 'hex'] as const, default: 'base64' as BytesEncoding, describe: 'How keys and values that are not text are shown' }) as Argv<ConsumeArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    const nowMs = Date.now();
    const start = parseStart(argv.from, nowMs);
    // `-e` alone (kcat's habit) is the end as of the start.
    const end = argv.until === undefined ? null : argv.until === '' ? ({ kind: 'end' } as const) : parseEnd(argv.until, nowMs);
    if (argv.format !== undefined && (argv.json || argv.output)) throw new UsageError('--format is an output of its own: leave out --json and --output');
    const request = {
      topic: argv.topic,
      partitions: argv.partition !== undefined ? parsePartitions(argv.partition) : null,
      start,
      end,
      follow: argv.follow,
      count: argv.count !== undefined ? positiveInt('--count', argv.count) : null,
      isolation: argv.isolation,
      filter: compileFilter(argv.where),
    };
    const conn = await argv.sf.connection();
    const decoder = new RecordDecoder(conn.registry ? new RegistryClient(conn.registry, { signal }) : undefined, argv.bytes);
    const document = argv.json ? jsonDocumentSink(out.stdout) : undefined;
    const sink =
      document ??
      (argv.format !== undefined ? templateSink(out.stdout, argv.format) : (argv.output ?? (out.interactive ? 'table' : 'jsonl')) === 'table' ? tableSink(out.stdout) : jsonLinesSink(out.stdout));
    const summary = await withTopicReader(conn, argv.isolation, (reader) => consumeTopic(reader, decoder, request, sink, { signal, nowMs, warn: (m) => out.warn(m) }));
    if (document) await document.finish(summary);
    else out.info(summaryLine(summary));
    if (summary.interrupted) throw new InterruptedError('stopped by signal; every record read was written');
  },
};

function parsePartitions(text: string): number[] {
  const parts = String(text).split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw new UsageError(`--partition ${JSON.stringify(text)} is not a list of partition ids`, 'e.g. --partition 0 or --partition 0,3');
  return [...new Set(parts.map(Number))];
}

function summaryLine(s: ConsumeSummary): string {
  const filtered = s.scanned !== s.records ? ` (${s.scanned.toLocaleString('en-US')} read)` : '';
  const gaps = s.gaps.length ? `; ${s.gaps.length} gap(s) deleted by retention before they were read` : '';
  return `${s.records.toLocaleString('en-US')} record(s) of ${s.topic}${filtered} from ${s.partitions.length} partition(s), ${s.isolation}, in ${(s.elapsedMs / 1000).toFixed(1)} s${gaps}${s.interrupted ? ' (interrupted)' : ''}`;
}
