import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { InterruptedError, UsageError } from '../src/errors.js';
import { ProgressLine, bar } from '../src/cli/progress-line.js';
import { formatTable } from '../src/cli/table.js';
import { requireRegistry } from '../src/config/resolve-connection.js';
import { type BrowseResult, browseDlq } from '../src/dlq/dlq-browse.js';
import { simpleClassName } from '../src/dlq/dlq-envelope.js';
import { parseDlqFilter } from '../src/dlq/dlq-filter.js';
import { listDlqTopics } from '../src/dlq/dlq-list.js';
import type { DlqSummary } from '../src/dlq/dlq-summary.js';
import { BROWSE_LIMIT, BROWSE_MAX_SCAN, DLQ_LIST_SAMPLE, MAX_REDRIVES, REDRIVE_RATE_PER_SEC } from '../src/dlq/dlq-defaults.js';
import { registryPayloadDecoder } from '../src/dlq/payload-decoder.js';
import { type RedriveRequest, type RedriveSummary, executeRedrive, planRedrive } from '../src/dlq/redrive-job.js';
import { defaultParkingTopic, redriveJobId } from '../src/dlq/redrive-plan.js';
import { withClusterSession } from '../src/kafka/cluster-session.js';
import { cancel, history, jobs } from './dlq-jobs.js';
import { edit } from './dlq-edit.js';
import { nonNegativeInt, parseRateOrMax, positiveInt } from '../src/cli/flag-values.js';
import { DEFAULT_COUNT_LIMIT, RecordCounter, countText } from '../src/topics/record-count.js';

const COUNT_LIMIT_HELP = 'Count records (by reading them) in topics spanning at most this many offsets; beyond it depth is null and only the offset span is shown';
const FILTER_HELP = 'FIELD OP VALUE, repeatable (all must match): class|message|key|topic|service|group|partition|header.NAME with = != ~ !~, or since=/until= (ISO time or 30m, 2h ago)';

type ListArgs = GlobalArgs & { topic: string[]; sample: string; 'count-limit': string };
const list: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'DLQ topics (*.dlq, *-dlt, *.DLT) with depth, oldest and newest record, top error classes',
  builder: (y) =>
    y
      .option('topic', { alias: 't', type: 'string', array: true, default: [], describe: 'These topics (repeatable) [default: topics named like a DLQ]' })
      .option('sample', { type: 'string', default: String(DLQ_LIST_SAMPLE), describe: 'Newest records read per topic for the error counts' })
      .option('count-limit', { type: 'string', default: String(DEFAULT_COUNT_LIMIT), describe: COUNT_LIMIT_HELP }) as Argv<ListArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const sample = positiveInt('--sample', argv.sample);
    const counter = new RecordCounter(nonNegativeInt('--count-limit', argv['count-limit']));
    const topics = await withClusterSession(await argv.sf.connection(), (s) => listDlqTopics(s, { sample, counter, ...(argv.topic.length ? { topics: argv.topic } : {}) }));
    out.result({ topics }, () => renderList(topics, counter.limit));
  },
};

function renderList(topics: DlqSummary[], countLimit: number): string {
  if (topics.length === 0) return 'No DLQ topics (names ending .dlq, -dlq, -dlt or .DLT; name others with --topic).';
  const rows = topics.map((t) => {
    const errors = Object.entries(t.errors);
    const top = errors[0] ? `${cut(simpleClassName(errors[0][0]), 18)} ${errors[0][1]}${errors.length > 1 ? ` +${errors.length - 1}` : ''}` : '-';
    return [t.topic, t.depth === null ? `≤${t.offsets.toLocaleString('en-US')}` : t.depth.toLocaleString('en-US'), t.parked === null ? '?' : t.parked.toLocaleString('en-US'), minute(t.oldest), minute(t.newest), top];
  });
  const table = formatTable(['TOPIC', 'DEPTH', 'PARKED', 'OLDEST (UTC)', 'NEWEST (UTC)', 'TOP ERROR (SAMPLE)'], rows);
  if (topics.every((t) => t.depth !== null)) return table;
  return `${table}\n≤N: over ${countLimit.toLocaleString('en-US')} offsets, records not counted; N is the offset span (raise --count-limit to count).`;
}

type BrowseArgs = GlobalArgs & { topic: string; filter: string[]; limit: string; 'max-scan': string };
const browse: CommandModule<GlobalArgs, BrowseArgs> = {
  command: 'browse <topic>',
  describe: 'Dead-lettered records with their context headers and the Avro payload decoded',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', demandOption: true })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: FILTER_HELP })
      .option('limit', { alias: 'n', type: 'string', default: String(BROWSE_LIMIT), describe: 'Records to show' })
      .option('max-scan', { type: 'string', default: String(BROWSE_MAX_SCAN), describe: 'Stop looking after this many records' }) as Argv<BrowseArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    const filters = argv.filter.map((f) => parseDlqFilter(f));
    const limit = positiveInt('--limit', argv.limit);
    const maxScan = positiveInt('--max-scan', argv['max-scan']);
    const conn = await argv.sf.connection();
    const decode = registryPayloadDecoder(conn.registry, signal);
    const result = await withClusterSession(conn, (s) => browseDlq(s, argv.topic, { filters, limit, maxScan, decode }));
    if (result.truncated) out.warn(`stopped after looking at ${result.scanned} records (--max-scan)`);
    out.result(result, () => renderBrowse(result));
  },
};

function renderBrowse(r: BrowseResult): string {
  if (r.records.length === 0) return `No matching records in ${r.topic} (looked at ${r.scanned}).`;
  const rows = r.records.map((x) => [
    `${x.partition}/${x.offset}`,
    x.timestamp.slice(5, 19).replace('T', ' '),
    cut(x.key ?? '-', 12),
    cut(`${x.original.topic ?? '?'}/${x.original.partition ?? '?'}/${x.original.offset ?? '?'}`, 22),
    cut(`${x.error.class ? simpleClassName(x.error.class) : '?'}: ${x.error.message ?? ''}`, 30),
  ]);
  const values = r.records.map((x) => `  ${x.partition}/${x.offset}: ${cut(x.value === null ? `(not decoded: ${x.valueError?.class})` : JSON.stringify(x.value), 88)}`);
  return [formatTable(['PART/OFFSET', 'TIME (UTC)', 'KEY', 'ORIGINAL T/P/O', 'ERROR'], rows), '', 'Payloads:', ...values].join('\n');
}

type RedriveArgs = GlobalArgs & {
  topic: string;
  to?: string;
  rate: string;
  filter: string[];
  limit?: string;
  'max-redrives': string;
  parking?: string;
  validate: boolean;
  'job-id'?: string;
  execute: boolean;
};
const redrive: CommandModule<GlobalArgs, RedriveArgs> = {
  command: 'redrive <topic>',
  describe: 'Send dead-lettered records back to their topics as a resumable job (a dry run unless --execute)',
  builder: (y) =>
    y
      .positional('topic', { type: 'string', demandOption: true })
      .option('to', { type: 'string', describe: 'Send everything to this topic instead of each original topic' })
      .option('rate', { type: 'string', default: `${REDRIVE_RATE_PER_SEC}/s`, describe: 'At most N/s (or N/min), or max for no limit' })
      .option('filter', { alias: 'f', type: 'string', array: true, default: [], describe: FILTER_HELP })
      .option('limit', { alias: 'n', type: 'string', describe: 'Redrive at most N records in this run' })
      .option('max-redrives', { type: 'string', default: String(MAX_REDRIVES), describe: 'Park records already redriven this many times instead of sending them again (stops loops)' })
      .option('parking', { type: 'string', describe: 'Where those records go, whole, with their DLQ headers [default: <topic>.parking, created when first needed]; none: skip them' })
      .option('validate', { type: 'boolean', default: false, describe: 'Skip records whose payload does not decode with the registry' })
      .option('job-id', { type: 'string', describe: 'Name the job [default: derived from topic, --to and filters, so a rerun resumes]' })
      .option('execute', { type: 'boolean', default: false, describe: 'Really send (the DLQ itself is never changed)' }) as Argv<RedriveArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    const filters = argv.filter.map((f) => parseDlqFilter(f));
    const jobId = argv['job-id'] ?? redriveJobId(argv.topic, argv.to, argv.filter);
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(jobId)) throw new UsageError(`--job-id "${jobId}" may only use letters, digits, '.', '_' and '-'`);
    const conn = await argv.sf.connection();
    const request: RedriveRequest = {
      topic: argv.topic,
      jobId,
      filters,
      filterTexts: argv.filter,
      parkingTopic: argv.parking === 'none' ? null : (argv.parking ?? defaultParkingTopic(argv.topic)),
      maxRedrives: nonNegativeInt('--max-redrives', argv['max-redrives']),
      ratePerSec: parseRateOrMax(argv.rate, '--rate'),
      signal,
      ...(argv.to !== undefined ? { to: argv.to } : {}),
      ...(argv.limit !== undefined ? { limit: positiveInt('--limit', argv.limit) } : {}),
      ...(argv.validate ? { validator: registryPayloadDecoder(requireRegistry(conn), signal) } : {}),
    };
    const progress = new ProgressLine(out.stderr, out.interactive && Boolean(out.stderr.isTTY));
    const result = await withClusterSession(conn, async (session) => {
      const plan = await planRedrive(session, request);
      if (plan.resumed) out.info(renderResumed(plan));
      // Interrupted while planning: no run starts (and none fences a run of the job elsewhere).
      if (plan.interrupted) return plan;
      if (!argv.execute) return plan;
      out.info(renderPlan(plan));
      return executeRedrive(conn, session, {
        ...request,
        onProgress: (p) => progress.update(`${bar(p.total ? p.scanned / p.total : 1)} ${p.redriven} redriven, ${p.skipped} skipped`),
      }).finally(() => progress.done());
    });
    out.result(result, () => (argv.execute || result.interrupted ? renderDone(result) : `${renderPlan(result)}\nDry run: nothing was sent; re-run with --execute to redrive (job ${result.jobId}).`));
    if (result.interrupted) throw new InterruptedError(`interrupted: ${result.redriven} redriven so far; rerun the same command to resume job ${result.jobId}`);
    if (result.cancelledBy) throw new InterruptedError(`cancelled by ${result.cancelledBy}: ${result.redriven} redriven; rerun the same command to resume job ${result.jobId}`);
  },
};

function renderResumed(p: RedriveSummary): string {
  const earlier = p.previouslyRedriven === null ? 'what earlier runs sent is not recorded' : `earlier runs redrove ${p.previouslyRedriven.toLocaleString('en-US')} records`;
  return `Resuming job ${p.jobId} from its checkpoint (group ${p.group}): ${earlier}.`;
}

function renderPlan(p: RedriveSummary): string {
  const left = p.remaining === 0 ? '' : `, ${countText({ records: p.remaining, offsets: p.remainingOffsets })} left for later runs`;
  const lines = [`Job ${p.jobId} on ${p.topic}: ${p.scanned.toLocaleString('en-US')} records to look at after its checkpoint${left}.`];
  const parking = p.parked > 0 ? `, ${p.parked} to park in ${p.parkingTopic} (redriven --max-redrives times already)` : '';
  lines.push(`${p.planned} to redrive${parking}, ${p.skipped} to skip (${Object.entries(p.skippedBy).map(([k, v]) => `${k} ${v}`).join(', ')}).`);
  if (p.planned > 0) {
    lines.push(formatTable(['TARGET TOPIC', 'RECORDS'], Object.entries(p.byTarget)));
    lines.push(formatTable(['ERROR CLASS', 'RECORDS'], Object.entries(p.byErrorClass).map(([c, n]) => [cut(c, 80), n])));
  }
  return lines.join('\n');
}

function renderDone(r: RedriveSummary): string {
  const head = r.cancelledBy ? `Cancelled by ${r.cancelledBy}: ` : r.interrupted ? 'Interrupted: ' : '';
  if (!r.executed) return `${head}stopped while planning, after looking at ${r.scanned} records; nothing was sent (job ${r.jobId}).`;
  const where = Object.entries(r.byTarget).map(([t, n]) => `${t} ${n}`).join(', ');
  const left = countText({ records: r.remaining, offsets: r.remainingOffsets });
  const parked = r.parked > 0 ? `, parked ${r.parked} in ${r.parkingTopic}` : '';
  return `${head}redrove ${r.redriven} records${where ? ` (${where})` : ''}${parked}, skipped ${r.skipped}, ${left} left after the checkpoint; job ${r.jobId}, checkpoint in group ${r.group}.`;
}

/** 2024-05-01 12:00 */
function minute(iso: string | null): string {
  return iso === null ? '-' : iso.slice(0, 16).replace('T', ' ');
}

function cut(s: string, width: number): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

export const dlqCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(list).command(browse).command(redrive).command(edit).command(jobs).command(cancel).command(history).demandCommand(1, 'name a subcommand: list, browse, redrive, edit, jobs, cancel or history') as Argv<GlobalArgs>,
  handler: () => undefined,
};
