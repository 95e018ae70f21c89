import { setTimeout as sleep } from 'node:timers/promises';
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { CheckFailedError, UsageError } from '../src/errors.js';
import { formatTable } from '../src/cli/table.js';
import { appendAudit, readAudit } from '../src/dlq/audit-log.js';
import { operatorName } from '../src/dlq/operator.js';
import { type JobState, listJobs, requestCancel } from '../src/dlq/redrive-jobs.js';
import { withClusterSession } from '../src/kafka/cluster-session.js';

/** How long `dlq cancel` waits for the job to confirm (it checks between transactions, every second or so). */
const CANCEL_WAIT_MS = 30_000;

export const jobs: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'jobs',
  describe: 'Every redrive job, from its state in Kafka: status, redriven, skipped, remaining, rate, who ran it',
  handler: async (argv) => {
    const { out } = argv.sf;
    const list = await withClusterSession(await argv.sf.connection(), (s) => listJobs(s));
    out.result({ jobs: list }, () => (list.length ? renderJobs(list) : 'No redrive jobs yet (`streamflow dlq redrive TOPIC --execute` starts one).'));
  },
};

type CancelArgs = GlobalArgs & { job: string };
export const cancel: CommandModule<GlobalArgs, CancelArgs> = {
  command: 'cancel <job>',
  describe: 'Stop a running redrive job, in whatever process runs it, after its current transaction',
  builder: (y) => y.positional('job', { type: 'string', demandOption: true, describe: 'The job id (see `streamflow dlq jobs`)' }) as Argv<CancelArgs>,
  handler: async (argv) => {
    const { out, signal } = argv.sf;
    const conn = await argv.sf.connection();
    const by = operatorName();
    const final = await withClusterSession(conn, async (s) => {
      const job = (await listJobs(s)).find((j) => j.jobId === argv.job);
      if (!job) throw new UsageError(`no redrive job ${argv.job}`, 'see `streamflow dlq jobs`');
      if (job.status !== 'running' && job.status !== 'cancelling') throw new UsageError(`job ${argv.job} is not running (${job.status}); nothing to cancel`, 'rerun its `dlq redrive` to resume it');
      await requestCancel(conn, argv.job, by);
      out.info(`Cancel requested for job ${argv.job}; waiting for it to stop after its current transaction...`);
      for (const end = Date.now() + CANCEL_WAIT_MS; Date.now() < end && !signal.aborted; ) {
        await sleep(500, undefined, { signal }).catch(() => undefined);
        const now = (await listJobs(s)).find((j) => j.jobId === argv.job)!;
        if (now.status !== 'running' && now.status !== 'cancelling') return now;
      }
      return null;
    });
    await appendAudit(conn, {
      at: new Date().toISOString(),
      by,
      action: 'cancel',
      jobId: argv.job,
      editId: null,
      dlq: final?.dlq ?? '',
      target: final?.target ?? null,
      outcome: final ? final.status : 'requested',
      counts: final ? { redriven: final.redriven, skipped: final.skipped, remaining: final.remaining } : {},
    });
    if (!final) throw new CheckFailedError(`job ${argv.job} has not confirmed the cancel within ${CANCEL_WAIT_MS / 1000} s; it stops at its next check (see \`streamflow dlq jobs\`)`);
    out.result({ job: final }, () => `Job ${final.jobId} ${final.status}: ${final.redriven} redriven, ${final.skipped} skipped, ${final.remaining ?? '?'} remaining. Rerun its \`dlq redrive\` to resume it.`);
  },
};

type HistoryArgs = GlobalArgs & { dlq?: string; job?: string };
export const history: CommandModule<GlobalArgs, HistoryArgs> = {
  command: 'history',
  describe: 'The audit trail: every redrive run, cancel and edit, who and when, with counts',
  builder: (y) =>
    y
      .option('dlq', { type: 'string', describe: 'Only entries of this DLQ topic' })
      .option('job', { type: 'string', describe: 'Only entries of this job id' }) as Argv<HistoryArgs>,
  handler: async (argv) => {
    const { out } = argv.sf;
    const entries = await withClusterSession(await argv.sf.connection(), (s) => readAudit(s, { ...(argv.dlq ? { dlq: argv.dlq } : {}), ...(argv.job ? { jobId: argv.job } : {}) }));
    out.result({ entries }, () =>
      entries.length
        ? formatTable(
            ['AT', 'BY', 'ACTION', 'JOB/EDIT', 'DLQ', 'TARGET', 'OUTCOME', 'COUNTS'],
            entries.map((e) => [e.at.slice(0, 19).replace('T', ' '), e.by, e.action, e.jobId ?? e.editId ?? '-', e.dlq, e.target ?? '(original)', e.outcome, Object.entries(e.counts).map(([k, v]) => `${k} ${v ?? '?'}`).join(', ')]),
          )
        : 'No audit entries yet.',
    );
  },
};

function renderJobs(list: JobState[]): string {
  const table = formatTable(
    ['JOB', 'DLQ', 'TARGET', 'STATUS', 'REDRIVEN', 'SKIPPED', 'REMAINING', 'RATE', 'STARTED', 'UPDATED', 'BY'],
    list.map((j) => [j.jobId, j.dlq, j.target ?? '(original)', j.status, j.redriven, j.skipped, j.remaining ?? '?', j.ratePerSec === null ? 'max' : `${j.ratePerSec}/s`, minute(j.started), minute(j.updated), j.by]),
  );
  const notes = list.filter((j) => j.note).map((j) => `${j.jobId}: ${j.note}`);
  return [table, ...notes].join('\n');
}

function minute(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}
