import readline from 'node:readline';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { nonNegativeInt, positiveInt } from '../src/cli/flag-values.js';
import { shippedContractsDir } from '../src/config/package-root.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { connectProducer } from '../src/kafka/producer.js';
import { type LineDefaults, refusalText } from '../src/records/produce-lines.js';
import { produceSubjects } from '../src/records/produce-subjects.js';
import type { SideFormat } from '../src/records/record-decoding.js';
import { RecordEncoder } from '../src/records/record-encoding.js';
import { type ProduceOutcome, type ProduceSummary, produceTopic } from '../src/records/topic-produce.js';
import { loadContracts } from '../src/schema/contracts.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { fetchPartitionCount } from '../src/topics/topic-admin.js';

const FORMATS = ['avro', 'json', 'text', 'base64', 'hex'] as const;
/** Refused lines named on stderr under --skip-invalid; the summary (--json) has them all. */
const MAX_WARNED = 10;

type ProduceArgs = GlobalArgs & {
  topic: string;
  value?: string;
  key?: string;
  header: string[];
  partition?: string;
  lines: 'record' | 'value';
  'key-format': SideFormat;
  'value-format': SideFormat;
  contracts?: string;
  record?: string;
  subject?: string;
  'schema-version'?: string;
  'skip-invalid': boolean;
  'validate-only': boolean;
  'keep-timestamp': boolean;
  'ignore-partition': boolean;
};

export const produceCommand: CommandModule<GlobalArgs, ProduceArgs> = {
  command: 'produce <topic>',
  describe: "Write records to any topic: JSON lines on stdin (topic consume's shape) or --value, Avro through the registry, validated before sending",
  builder: (y) =>
    y
      .positional('topic', { type: 'string', demandOption: true })
      .option('value', { alias: 'v', type: 'string', describe: 'Send this one value instead of reading stdin (JSON for avro and json)' })
      .option('key', { alias: 'k', type: 'string', describe: 'Key of every record that has none of its own' })
      .option('header', { alias: 'H', type: 'string', array: true, default: [], describe: 'Header NAME=VALUE on every record (repeatable)' })
      .option('partition', { alias: 'p', type: 'string', describe: 'Partition of every record [default: the line\'s, else by key (murmur2, as the Java client), else round robin]' })
      .option('lines', { choices: ['record', 'value'] as const, default: 'record' as const, describe: 'record: each line is {"key":…,"value":…,"headers":{…},"partition":…}; value: each line is the value alone' })
      .option('key-format', { choices: FORMATS, default: 'text' as SideFormat, describe: "How keys are written when a line does not say (its keyFormat); avro uses the subject <topic>-key" })
      .option('value-format', { choices: FORMATS, default: 'avro' as SideFormat, describe: 'How values are written when a line does not say (its valueFormat)' })
      .option('contracts', { type: 'string', describe: 'Contracts folder whose subject naming strategies name the subjects (default: the shipped schemas/checkout)' })
      .option('record', { type: 'string', describe: 'On a topic of several record types: encode as this one (e.g. OrderCreated) [default: the one each value fits]' })
      .option('subject', { type: 'string', describe: 'Encode values under this subject, whatever the contracts say' })
      .option('schema-version', { type: 'string', describe: "The subject's version to encode with [default: latest]" })
      .option('skip-invalid', { type: 'boolean', default: false, describe: 'Refuse invalid lines and send the others (else nothing after the first invalid line is sent)' })
      .option('validate-only', { type: 'boolean', default: false, describe: 'Check every line and send nothing' })
      .option('keep-timestamp', { type: 'boolean', default: false, describe: "Keep each line's timestamp (else the producer's time)" })
      .option('ignore-partition', { type: 'boolean', default: false, describe: "Leave out the lines' partitions and let the key choose (copying to a topic of fewer partitions)" }) as Argv<ProduceArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    const defaults: LineDefaults = {
      lines: argv.value !== undefined ? 'value' : argv.lines,
      keyFormat: argv['key-format'],
      valueFormat: argv['value-format'],
      ...(argv.key !== undefined ? { key: argv.key } : {}),
      headers: parseHeaders(argv.header),
      ...(argv.partition !== undefined ? { partition: nonNegativeInt('--partition', argv.partition) } : {}),
      ignorePartition: argv['ignore-partition'],
      keepTimestamp: argv['keep-timestamp'],
    };
    const version = argv['schema-version'] !== undefined ? positiveInt('--schema-version', argv['schema-version']) : ('latest' as const);
    const contracts = await loadContracts(argv.contracts ?? shippedContractsDir());
    const conn = await argv.sf.connection();
    const partitionCount = await fetchPartitionCount(conn, argv.topic);
    if (defaults.partition !== undefined && defaults.partition >= partitionCount) throw new UsageError(`--partition ${defaults.partition}: ${argv.topic} has partitions 0-${partitionCount - 1}`);
    const registry = conn.registry ? new RegistryClient(conn.registry, { signal }) : undefined;
    // A topic the contracts do not name: the registry's subjects tell its naming strategy.
    const askRegistry = registry && argv.subject === undefined && !contracts.some((c) => c.topic === argv.topic);
    const registered = askRegistry ? await registry.listSubjects() : [];
    const subjects = produceSubjects(argv.topic, contracts, { ...(argv.subject !== undefined ? { subject: argv.subject } : {}), ...(argv.record !== undefined ? { record: argv.record } : {}), version }, registered);
    const encoder = new RecordEncoder(registry, subjects, (m) => out.warn(m));
    const producer = argv['validate-only'] ? null : await connectProducer(conn, { idempotent: true, acks: -1, compression: 'none', clientId: 'streamflow-topic-produce' });
    let outcome: ProduceOutcome;
    try {
      const lines = argv.value !== undefined ? [argv.value] : stdinLines(signal, () => out.info(`Reading ${defaults.lines === 'record' ? 'record' : 'value'} lines for ${argv.topic} from the terminal: each is sent when you press Enter; Ctrl-D ends.`));
      const request = { topic: argv.topic, partitionCount, defaults, skipInvalid: argv['skip-invalid'], validateOnly: argv['validate-only'] };
      outcome = await produceTopic(lines, encoder, (records) => producer!.send(argv.topic, records), request, signal);
    } finally {
      await producer?.disconnect();
    }
    const { summary } = outcome;
    if (argv['skip-invalid']) {
      for (const r of summary.refused.slice(0, MAX_WARNED)) out.warn(`refused ${refusalText(r)}`);
      if (summary.refused.length > MAX_WARNED) out.warn(`… and ${summary.refused.length - MAX_WARNED} more refused lines (--json lists them all)`);
    }
    out.result(summary, () => summaryText(summary));
    // The summary first (what was sent before it), then the error with its exit code and hint.
    if (outcome.error !== undefined) throw outcome.error;
    if (summary.stoppedAtLine !== null) {
      const r = summary.refused[0]!;
      throw new UsageError(`refused ${refusalText(r)}; nothing after it was ${summary.validateOnly ? 'checked' : 'sent'}`, '--skip-invalid sends the other lines; --validate-only checks input without sending');
    }
    if (summary.interrupted) throw new InterruptedError(`stopped by signal; the ${summary.sent} record(s) read before it were sent`);
  },
};

function parseHeaders(flags: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of flags) {
    const eq = h.indexOf('=');
    if (eq <= 0) throw new UsageError(`--header ${JSON.stringify(h)} is not NAME=VALUE`, 'e.g. --header source=backfill');
    headers[h.slice(0, eq)] = h.slice(eq + 1);
  }
  return headers;
}

/** Lines of stdin until its end or the signal (Ctrl-C); `onTerminal` when a person is typing them. */
function stdinLines(signal: AbortSignal, onTerminal: () => void): AsyncIterable<string> {
  if (process.stdin.isTTY) onTerminal();
  return readline.createInterface({ input: process.stdin, crlfDelay: Infinity, signal });
}

function summaryText(s: ProduceSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = Object.entries(s.partitions).map(([p, c]) => `${p}:${n(c)}`);
  const schemas = s.schemas.map((x) => `${x.subject} v${x.version} (id ${x.id}): ${n(x.records)}`);
  const head = s.validateOnly
    ? `${n(s.valid)} record(s) valid for ${s.topic}; nothing sent (--validate-only)`
    : `Sent ${n(s.sent)} record(s) to ${s.topic}${parts.length > 0 ? ` (partition:records ${parts.join(' ')})` : ''}`;
  const refused = s.refused.length > 0 ? `; refused ${s.refused.length} line${s.refused.length === 1 ? '' : 's'} (${s.refused.slice(0, 5).map((r) => r.line).join(', ')}${s.refused.length > 5 ? ', …' : ''})` : '';
  const failed = !s.failure
    ? ''
    : s.failure.line !== null
      ? `; stopped at line ${n(s.failure.line)}: nothing from it on was sent`
      : `; a send failed: ${n(s.failure.inDoubt)} record(s) may or may not have been written, and nothing after them was sent`;
  return `${head}${refused}${failed}.${schemas.length > 0 ? `\nSchemas: ${schemas.join('; ')}` : ''}`;
}
