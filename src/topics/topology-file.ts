/**
 * The topology file (streamflow.topology.yaml): the topics a system needs, with their
 * partitions, replication and configs, applied with `topology plan|apply`.
 */
import fs from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { closest } from '../cli/suggest.js';
import { MIN_ISR } from './replication-defaults.js';

export const DEFAULT_TOPOLOGY_FILE = 'streamflow.topology.yaml';

const AUTO = 'auto';
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

const RF_MESSAGE = `must be "${AUTO}" or a positive integer`;
const replicationFactor = z.union([z.literal(AUTO), z.number().int(RF_MESSAGE).min(1, RF_MESSAGE)], { errorMap: () => ({ message: RF_MESSAGE }) });
const partitions = z.number({ invalid_type_error: 'must be a positive integer' }).int('must be a positive integer').min(1, 'must be a positive integer');

// Kafka takes every config as a string; numbers and booleans in YAML are accepted as written.
const configs = z
  .record(z.union([z.string(), z.number(), z.boolean()], { errorMap: () => ({ message: 'must be a string, number or boolean' }) }).transform(String))
  .superRefine((entries, ctx) => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === AUTO && key !== MIN_ISR) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `only ${MIN_ISR} can be "${AUTO}"` });
    }
  });

const topicSchema = z
  .object({
    name: z.string().regex(TOPIC_NAME, 'must be 1-249 characters of a-z, A-Z, 0-9, ".", "_" and "-"'),
    partitions: partitions.optional(),
    replicationFactor: replicationFactor.optional(),
    configs: configs.optional(),
  })
  .strict();

export const topologySchema = z
  .object({
    defaults: z
      .object({ partitions: partitions.optional(), replicationFactor: replicationFactor.optional(), configs: configs.optional() })
      .strict()
      .optional(),
    topics: z.array(topicSchema).min(1, 'list at least one topic'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.topics.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['topics', i, 'name'], message: `${t.name} is listed twice` });
      seen.add(t.name);
      if (t.partitions === undefined && file.defaults?.partitions === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['topics', i, 'partitions'], message: 'required (or set defaults.partitions)' });
      }
    });
  });

export type Topology = z.infer<typeof topologySchema>;

/** Parse and validate topology YAML; errors name the file and the key path (exit 2). */
export function parseTopology(text: string, file: string): Topology {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
  }
  if (raw === null || raw === undefined) throw new UsageError(`${file} is empty`, 'it needs a `topics:` list; see streamflow.topology.yaml');
  const parsed = topologySchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${file}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export async function readTopologyFile(file: string): Promise<Topology> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read topology file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 'pass one with -f FILE');
  }
  return parseTopology(text, file);
}

const KNOWN_KEYS: Record<string, string[]> = {
  '': ['defaults', 'topics'],
  defaults: ['partitions', 'replicationFactor', 'configs'],
  topic: ['name', 'partitions', 'replicationFactor', 'configs'],
};

/** "topics.3.partitions: must be a positive integer; topics.5.partiton: unknown key (did you mean partitions?)" */
function describeIssues(err: z.ZodError): string {
  return err.issues
    .flatMap((issue) => {
      const at = issue.path.join('.');
      if (issue.code !== z.ZodIssueCode.unrecognized_keys) return [`${at || '(top level)'}: ${issue.message}`];
      const known = KNOWN_KEYS[issue.path[0] === 'topics' ? 'topic' : String(issue.path[0] ?? '')] ?? [];
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        return `${at ? `${at}.` : ''}${key}: unknown key${guess ? ` (did you mean ${guess}?)` : ''}`;
      });
    })
    .join('; ');
}
