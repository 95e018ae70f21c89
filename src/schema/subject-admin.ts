import type { CompatibilityLevel } from './compatibility/index.js';
import type { RegistryClient, VersionRef } from './registry-client.js';
import { RegistryNotFoundError } from './registry-errors.js';

export interface SubjectSummary {
  subject: string;
  /** null when every version is soft-deleted but the registry still lists the subject. */
  version: number | null;
  id: number | null;
  compatibility: CompatibilityLevel;
}

/** `schema list`: each subject with its latest version, id and effective level (8 subjects at a time). */
export async function listSubjectSummaries(client: RegistryClient): Promise<SubjectSummary[]> {
  const subjects = (await client.listSubjects()).sort();
  const summaries: SubjectSummary[] = [];
  for (let i = 0; i < subjects.length; i += 8) {
    summaries.push(...(await Promise.all(subjects.slice(i, i + 8).map((s) => summarize(client, s)))));
  }
  return summaries;
}

async function summarize(client: RegistryClient, subject: string): Promise<SubjectSummary> {
  const [latest, compatibility] = await Promise.all([
    client.getVersion(subject, 'latest').catch((err: unknown) => {
      if (err instanceof RegistryNotFoundError) return undefined;
      throw err;
    }),
    client.getCompatibility(subject),
  ]);
  return { subject, version: latest?.version ?? null, id: latest?.id ?? null, compatibility };
}

export interface SubjectDeletePlan {
  subject: string;
  /** The version asked for, or null for the whole subject. */
  version: number | null;
  /** What a soft delete removes from the subject (ids keep decoding). */
  versions: number[];
}

/** What `schema delete` would soft-delete; fails (exit 2) when the subject or version does not exist. */
export async function planSubjectDelete(client: RegistryClient, subject: string, version?: VersionRef): Promise<SubjectDeletePlan> {
  if (version === undefined) return { subject, version: null, versions: await client.listVersions(subject) };
  const v = await client.getVersion(subject, version);
  return { subject, version: v.version, versions: [v.version] };
}

/** Soft-delete what the plan lists; returns the versions the registry deleted. */
export async function executeSubjectDelete(client: RegistryClient, plan: SubjectDeletePlan): Promise<number[]> {
  if (plan.version === null) return client.deleteSubject(plan.subject);
  return [await client.deleteVersion(plan.subject, plan.version)];
}

export interface LevelChange {
  subject: string | null;
  /** The level in force after the change, as the registry reports it. */
  compatibility: CompatibilityLevel;
  previous: CompatibilityLevel;
}

/**
 * Set the global or a subject's level and read back what is in force. The read-back matters
 * on Apicurio 3.0, where NONE on a subject removes the subject's rule, so the global level
 * still applies: the caller compares `compatibility` with what it asked for.
 */
export async function changeCompatibility(client: RegistryClient, level: CompatibilityLevel, subject?: string): Promise<LevelChange> {
  const previous = await client.getCompatibility(subject);
  await client.setCompatibility(level, subject);
  return { subject: subject ?? null, compatibility: await client.getCompatibility(subject), previous };
}
