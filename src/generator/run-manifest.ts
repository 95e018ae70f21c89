import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { stateDir } from '../config/paths.js';
import type { PoisonKind } from './traffic-plan.js';

export interface RunCounts {
  sent: number;
  valid: number;
  created: number;
  cancelled: number;
  duplicates: number;
  poison: number;
  poisonByKind: Partial<Record<PoisonKind, number>>;
  /** Records of sends that failed: Kafka may or may not hold them (verify finds out). */
  inDoubt: number;
}

export interface RunManifest {
  runId: string;
  topic: string;
  seed: number;
  keyBy: string;
  startedAt: string;
  finishedAt: string | null;
  counts: RunCounts;
  /**
   * Files beside manifest.json, one record per line, tab-separated. The in-doubt files hold
   * the lines of sends that failed (same formats); a run written before they existed has none.
   */
  files: { valid: 'valid.tsv'; poison: 'poison.tsv'; inDoubtValid?: 'in-doubt-valid.tsv'; inDoubtPoison?: 'in-doubt-poison.tsv' };
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `run-${stamp}-${crypto.randomBytes(2).toString('hex')}`;
}

export function runDir(env: NodeJS.ProcessEnv, runId: string): string {
  if (!/^[\w.-]+$/.test(runId)) throw new UsageError(`run id "${runId}" has characters other than letters, digits, . _ -`);
  return path.join(stateDir(env), 'runs', runId);
}

/**
 * What a generator run produced, so `verify` can prove nothing was lost or processed twice:
 * every valid event id (with its type and order) and every poison record (with its kind).
 * Lines are appended as records are acknowledged; manifest.json is rewritten at the end.
 * A send that failed may still have been written (its acknowledgement was lost with a broker):
 * its lines go to the in-doubt files, so a record Kafka holds is never one verify cannot place.
 */
export class RunManifestWriter {
  readonly counts: RunCounts = emptyCounts();
  private readonly valid: fs.WriteStream;
  private readonly poison: fs.WriteStream;

  private constructor(
    readonly dir: string,
    private readonly manifest: RunManifest,
  ) {
    this.valid = fs.createWriteStream(path.join(dir, manifest.files.valid), { flags: 'a' });
    this.poison = fs.createWriteStream(path.join(dir, manifest.files.poison), { flags: 'a' });
  }

  static async create(env: NodeJS.ProcessEnv, init: Pick<RunManifest, 'runId' | 'topic' | 'seed' | 'keyBy'>): Promise<RunManifestWriter> {
    const dir = runDir(env, init.runId);
    await fsp.mkdir(dir, { recursive: true });
    const manifest: RunManifest = { ...init, startedAt: new Date().toISOString(), finishedAt: null, counts: emptyCounts(), files: { valid: 'valid.tsv', poison: 'poison.tsv', inDoubtValid: 'in-doubt-valid.tsv', inDoubtPoison: 'in-doubt-poison.tsv' } };
    const writer = new RunManifestWriter(dir, manifest);
    await writer.save();
    return writer;
  }

  /** Count an acknowledged batch and append its lines to the files (one write per batch). */
  append(entries: ManifestEntries): void {
    const c = entries.counts;
    this.counts.sent += c.sent;
    this.counts.valid += c.valid;
    this.counts.created += c.created;
    this.counts.cancelled += c.cancelled;
    this.counts.duplicates += c.duplicates;
    this.counts.poison += c.poison;
    for (const [kind, n] of Object.entries(c.poisonByKind) as Array<[PoisonKind, number]>) this.counts.poisonByKind[kind] = (this.counts.poisonByKind[kind] ?? 0) + n;
    if (entries.valid) this.valid.write(entries.valid);
    if (entries.poison) this.poison.write(entries.poison);
  }

  /** Record a batch whose send failed; written at once, since the run usually ends with that failure. */
  appendInDoubt(entries: ManifestEntries): void {
    this.counts.inDoubt += entries.counts.sent;
    if (entries.valid) fs.appendFileSync(path.join(this.dir, 'in-doubt-valid.tsv'), entries.valid);
    if (entries.poison) fs.appendFileSync(path.join(this.dir, 'in-doubt-poison.tsv'), entries.poison);
  }

  async finish(): Promise<RunManifest> {
    await Promise.all([closeStream(this.valid), closeStream(this.poison)]);
    this.manifest.finishedAt = new Date().toISOString();
    await this.save();
    return this.manifest;
  }

  private async save(): Promise<void> {
    this.manifest.counts = this.counts;
    const file = path.join(this.dir, 'manifest.json');
    await fsp.writeFile(`${file}.tmp`, JSON.stringify(this.manifest, null, 2));
    await fsp.rename(`${file}.tmp`, file);
  }
}

/**
 * The manifest's share of one batch, built where the batch is (the synthesis worker) and
 * appended by the writer once Kafka acknowledged it: counts and tab-separated lines.
 */
export interface ManifestEntries {
  counts: RunCounts;
  valid: string;
  poison: string;
}

export function newManifestEntries(): ManifestEntries {
  return { counts: emptyCounts(), valid: '', poison: '' };
}

export function addValidEntry(e: ManifestEntries, eventId: string, eventType: string, orderId: string, key: string): void {
  e.counts.sent++;
  e.counts.valid++;
  if (eventType === 'OrderCreated') e.counts.created++;
  else e.counts.cancelled++;
  e.valid += `${eventId}\t${eventType}\t${orderId}\t${key}\n`;
}

export function addDuplicateEntry(e: ManifestEntries): void {
  e.counts.sent++;
  e.counts.duplicates++;
}

export function addPoisonEntry(e: ManifestEntries, eventId: string, kind: PoisonKind, orderId: string): void {
  e.counts.sent++;
  e.counts.poison++;
  e.counts.poisonByKind[kind] = (e.counts.poisonByKind[kind] ?? 0) + 1;
  e.poison += `${eventId}\t${kind}\t${orderId}\n`;
}

function emptyCounts(): RunCounts {
  return { sent: 0, valid: 0, created: 0, cancelled: 0, duplicates: 0, poison: 0, poisonByKind: {}, inDoubt: 0 };
}

function closeStream(s: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export interface ValidEntry {
  eventId: string;
  eventType: string;
  orderId: string;
  key: string;
}

export interface PoisonEntry {
  eventId: string;
  kind: PoisonKind;
  orderId: string;
}

export interface RunEntries {
  valid: ValidEntry[];
  poison: PoisonEntry[];
}

/** Read a run back for `verify`. */
export async function readRunManifest(env: NodeJS.ProcessEnv, runId: string): Promise<{ manifest: RunManifest; inDoubt: RunEntries } & RunEntries> {
  const dir = runDir(env, runId);
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(await fsp.readFile(path.join(dir, 'manifest.json'), 'utf8')) as RunManifest;
  } catch {
    throw new UsageError(`no manifest for run ${runId} in ${dir}`, 'the run id is printed by `streamflow produce checkout` (runId in its --json summary)');
  }
  // The in-doubt files exist only once a send failed.
  const read = (f: string | undefined, optional = false) =>
    f === undefined ? Promise.resolve('') : fsp.readFile(path.join(dir, f), 'utf8').catch((err: NodeJS.ErrnoException) => (optional && err.code === 'ENOENT' ? '' : Promise.reject(err)));
  const lines = async (f: string | undefined, optional = false) => (await read(f, optional)).split('\n').filter(Boolean).map((l) => l.split('\t'));
  const validOf = async (f: string | undefined, optional = false) => (await lines(f, optional)).map(([eventId, eventType, orderId, key]) => ({ eventId: eventId!, eventType: eventType!, orderId: orderId!, key: key! }));
  const poisonOf = async (f: string | undefined, optional = false) => (await lines(f, optional)).map(([eventId, kind, orderId]) => ({ eventId: eventId!, kind: kind as PoisonKind, orderId: orderId! }));
  const { files } = manifest;
  return {
    manifest,
    valid: await validOf(files.valid),
    poison: await poisonOf(files.poison),
    inDoubt: { valid: await validOf(files.inDoubtValid, true), poison: await poisonOf(files.inDoubtPoison, true) },
  };
}
