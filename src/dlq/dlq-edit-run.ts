import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type avro from 'avsc';
import { type Connection, requireRegistry } from '../config/resolve-connection.js';
import { ExitCode, StreamflowError, UsageError } from '../errors.js';
import { type ClusterSession, withClusterSession } from '../kafka/cluster-session.js';
import { type OutRecord, sendOnce } from '../kafka/producer.js';
import { subjectName } from '../schema/contracts.js';
import { type RegisteredSchema, SchemaCache, resolveRegisteredSchema } from '../schema/registered-schema.js';
import { RegistryClient } from '../schema/registry-client.js';
import { RegistryNotFoundError } from '../schema/registry-errors.js';
import { WireFormatError, decodeFramed, encodeWithSchemaId } from '../schema/wire-format.js';
import { appendAudit } from './audit-log.js';
import { type DeadLetterRecord, toDeadLetterRecord } from './dead-letter-record.js';
import { type FieldChange, type FieldSet, applyFieldSets, planEdit } from './dlq-edit.js';
import { isDeadLetterContextHeader } from './dlq-envelope.js';
import { SPRING, STREAMFLOW } from './dlq-headers.js';
import { operatorName } from './operator.js';
import { toJsonSafe } from './payload-decoder.js';

export interface EditRequest {
  topic: string;
  partition: number;
  offset: bigint;
  /** --set fields, or the editor command line ($VISUAL, $EDITOR, vi) to edit the whole value in. */
  edit: { sets: FieldSet[] } | { editor: string };
  /** --to: send here instead of the record's original topic. */
  to?: string;
  execute: boolean;
  signal: AbortSignal;
}

/** The --json document of `dlq edit`. */
export interface EditResult {
  /** The id on the sent record and its audit entry; null in a dry run. */
  editId: string | null;
  dlq: string;
  partition: number;
  offset: string;
  target: string;
  subject: string;
  /** The target subject's latest schema id, which the edited value is encoded with. */
  schemaId: number;
  executed: boolean;
  changes: FieldChange[];
}

/**
 * Correct one dead-lettered record and (with `execute`) send it to its original topic (or
 * `to`): decoded with its writer schema, edited, validated against and encoded with the
 * target subject's latest schema. The DLQ is only read; an executed edit is audited.
 */
export async function runDlqEdit(conn: Connection, req: EditRequest): Promise<EditResult> {
  const where = `${req.topic}/${req.partition}/${req.offset}`;
  const registry = new RegistryClient(requireRegistry(conn), { signal: req.signal });
  const { record, target } = await withClusterSession(conn, async (session) => {
    const record = await readOne(session, req, where);
    const target = req.to ?? record.envelope.original.topic;
    if (!target) throw new UsageError(`${where} names no original topic (no ${SPRING.topic} header)`, 'pass --to TOPIC');
    await session.offsets.partitions([target]); // a UsageError when it does not exist
    return { record, target };
  });
  const writer = await decodeWriter(record, registry, where);
  const before = toJsonSafe(writer.value);
  // The editor runs with no cluster connection open: the operator may take their time.
  const after = 'sets' in req.edit ? applyFieldSets(before, req.edit.sets) : await editInEditor(before, req.edit.editor, where);
  const schema = await targetSchema(registry, target, writer.type);
  const plan = planEdit(before, after, schema.type);
  const result: EditResult = { editId: null, dlq: req.topic, partition: req.partition, offset: req.offset.toString(), target, subject: schema.subject, schemaId: schema.id, executed: false, changes: plan.changes };
  if (!req.execute) return result;

  const editId = crypto.randomBytes(8).toString('hex');
  const by = operatorName();
  await sendOnce(conn, 'streamflow-dlq-edit', target, [editedRecord(record, encodeWithSchemaId(schema.type, schema.id, plan.value), { editId, where, by, toOriginal: req.to === undefined })]);
  try {
    await appendAudit(conn, { at: new Date().toISOString(), by, action: 'edit', jobId: null, editId, dlq: req.topic, target, outcome: 'sent', counts: { sent: 1 } });
  } catch (err) {
    // The record is out: say so, so nobody reruns the edit and sends it twice.
    throw new StreamflowError(`edit ${editId} was sent to ${target}, but its audit entry was not written: ${(err as Error).message}`, ExitCode.unreachable, 'do not rerun the edit');
  }
  return { ...result, editId, executed: true };
}

async function readOne(session: ClusterSession, req: EditRequest, where: string): Promise<DeadLetterRecord> {
  const hint = `see \`streamflow dlq browse ${req.topic}\``;
  const partitions = (await session.offsets.partitions([req.topic])).get(req.topic) ?? [];
  if (!partitions.includes(req.partition)) throw new UsageError(`no record at ${where}: ${req.topic} has no partition ${req.partition} (it has ${partitions.length})`, hint);
  const [range] = await session.offsets.ranges([{ topic: req.topic, partition: req.partition }]);
  if (!range || req.offset < range.earliest || req.offset >= range.latest) {
    const holds = !range || range.earliest >= range.latest ? 'the partition is empty' : `the partition holds offsets ${range.earliest} to ${range.latest - 1n}`;
    throw new UsageError(`no record at ${where}: ${holds}`, hint);
  }
  const { records } = await session.records.read(req.topic, req.partition, req.offset, { maxRecords: 1, untilOffset: req.offset + 1n });
  if (!records[0]) throw new UsageError(`no record at ${where}: the offset holds no committed record (compacted away, a transaction marker or an aborted write)`, hint);
  return toDeadLetterRecord(records[0]);
}

async function decodeWriter(record: DeadLetterRecord, registry: RegistryClient, where: string): Promise<{ type: avro.Type; value: unknown }> {
  const hint = 'dlq edit needs a Confluent-framed Avro value whose writer schema is in the registry';
  if (record.value === null) throw new UsageError(`cannot edit ${where}: it has no value (a tombstone)`, hint);
  const cache = new SchemaCache(registry);
  try {
    const decoded = await decodeFramed(record.value, cache.lookup);
    return { type: (await cache.lookup(decoded.schemaId))!, value: decoded.value };
  } catch (err) {
    if (err instanceof WireFormatError) throw new UsageError(`cannot edit ${where}: its value does not decode: ${err.message}`, hint);
    throw err;
  }
}

/**
 * The latest schema of the target topic's subject: `<topic>-value` (TopicNameStrategy), else
 * `<topic>-<writer's record name>` (TopicRecordNameStrategy, which the checkout topics that
 * carry several event types use).
 */
async function targetSchema(registry: RegistryClient, topic: string, writer: avro.Type): Promise<RegisteredSchema> {
  const subjects = [subjectName('TopicNameStrategy', topic, ''), ...(writer.name ? [subjectName('TopicRecordNameStrategy', topic, writer.name)] : [])];
  for (const subject of subjects) {
    try {
      await registry.getVersion(subject, 'latest');
    } catch (err) {
      if (err instanceof RegistryNotFoundError) continue;
      throw err;
    }
    return resolveRegisteredSchema(registry, subject);
  }
  throw new UsageError(`no schema registered for ${topic}: no subject ${subjects.join(' or ')}`, 'register the target topic\'s schema first (`streamflow schema register`), or pick another topic with --to');
}

/** Write the value as pretty JSON to a temp file, run the editor on it (as git does, through the shell) and read it back. */
async function editInEditor(json: unknown, editor: string, where: string): Promise<unknown> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-edit-'));
  const file = path.join(dir, `${where.replaceAll('/', '-')}.json`);
  try {
    await fs.writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
    const run = spawnSync(`${editor} '${file}'`, { shell: true, stdio: 'inherit' });
    if (run.error || run.status !== 0) throw new UsageError(`the editor (${editor}) ${run.error ? `did not start: ${run.error.message}` : `exited with ${run.status ?? run.signal}`}: nothing was edited`);
    const text = await fs.readFile(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`the edited value is not JSON: ${(err as Error).message}: nothing was edited`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * The corrected record: original key (keyed records go where the partitioner puts their key;
 * unkeyed ones back to their original partition), its own headers without the DLQ context or
 * an earlier edit's provenance, plus this edit's provenance.
 */
function editedRecord(record: DeadLetterRecord, value: Buffer, p: { editId: string; where: string; by: string; toOriginal: boolean }): OutRecord {
  const provenance = { [STREAMFLOW.editId]: Buffer.from(p.editId), [STREAMFLOW.editedFrom]: Buffer.from(p.where), [STREAMFLOW.editedBy]: Buffer.from(p.by) };
  const headers: Record<string, Buffer | Buffer[]> = {};
  for (const h of record.rawHeaders) {
    if (h.value === null || isDeadLetterContextHeader(h.key) || Object.hasOwn(provenance, h.key)) continue;
    const prev = headers[h.key];
    headers[h.key] = prev === undefined ? h.value : Array.isArray(prev) ? [...prev, h.value] : [prev, h.value];
  }
  const partition = record.rawKey === null && p.toOriginal ? record.envelope.original.partition : null;
  return {
    // OutRecord's types are narrower than kafkajs': a null key (unkeyed) and repeated header names are sent as they are.
    key: record.rawKey as Buffer,
    value,
    headers: { ...headers, ...provenance } as OutRecord['headers'],
    ...(partition !== null ? { partition } : {}),
  };
}
