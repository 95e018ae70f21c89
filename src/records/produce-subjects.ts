import { UsageError } from '../errors.js';
import { type Contract, subjectName } from '../schema/contracts.js';
import type { VersionRef } from '../schema/registry-client.js';
import type { Side, SideSubjects } from './record-encoding.js';

export interface SubjectRequest {
  /** --subject: this subject, whatever the contracts say. */
  subject?: string;
  /** --record: only this record type (full or short name) of a topic that carries several. */
  record?: string;
  version: VersionRef;
}

/**
 * The subjects `topic produce` encodes Avro under, by the subject naming strategy the contracts
 * file declares for the topic: `<topic>-value` (TopicNameStrategy), `<topic>-<record>`
 * (TopicRecordNameStrategy) or `<record>` (RecordNameStrategy), one per record type the topic
 * carries. For a topic the contracts do not name, the registry's subjects of either strategy
 * (`registered`) say which, and `<topic>-value` (Confluent's serializers' default) is assumed
 * when it has none. Keys are always TopicNameStrategy (`<topic>-key`).
 */
export function produceSubjects(topic: string, contracts: Contract[], req: SubjectRequest, registered: string[] = []): Record<Side, SideSubjects> {
  const key = { subjects: [`${topic}-key`], version: 'latest' as const };
  if (req.subject !== undefined) return { key, value: { subjects: [req.subject], version: req.version } };
  const mine = contracts.filter((c) => c.topic === topic);
  let subjects: string[];
  const records = mine.length > 0 ? mine.map((c) => ({ subject: c.subject, recordName: c.recordName })) : registeredRecords(topic, registered);
  if (records.length === 0) subjects = [subjectName('TopicNameStrategy', topic, '')];
  else {
    const chosen = req.record === undefined ? records : records.filter((c) => c.recordName === '' || c.recordName === req.record || c.recordName.endsWith(`.${req.record}`));
    if (chosen.length === 0) throw new UsageError(`--record ${req.record}: ${topic} carries ${records.map((c) => c.recordName).join(', ')}`, 'give one of them (the short name will do)');
    subjects = [...new Set(chosen.map((c) => c.subject))];
  }
  if (subjects.length > 1 && req.version !== 'latest') {
    throw new UsageError(`--schema-version ${req.version} needs one subject, and ${topic} has ${subjects.length} (${subjects.join(', ')})`, 'say which record with --record NAME');
  }
  return { key, value: { subjects, version: req.version } };
}

// An Avro full name has no '-', so `<topic>-<name>` cannot be another topic's `-value` or `-key`.
const AVRO_FULL_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The registry's value subjects of a topic: `<topic>-value`, else one `<topic>-<record>` per record type. */
function registeredRecords(topic: string, registered: string[]): Array<{ subject: string; recordName: string }> {
  if (registered.includes(`${topic}-value`)) return [{ subject: `${topic}-value`, recordName: '' }];
  const prefix = `${topic}-`;
  return registered
    .filter((s) => s.startsWith(prefix) && s !== `${topic}-key` && AVRO_FULL_NAME.test(s.slice(prefix.length)))
    .map((subject) => ({ subject, recordName: subject.slice(prefix.length) }));
}
