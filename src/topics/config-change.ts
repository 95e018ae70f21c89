/**
 * `topic alter-config`: set and delete topic-level configs, showing old → new first.
 * Incremental in effect: overrides not named stay as they are.
 */
import { CheckFailedError, UsageError } from '../errors.js';
import { closest } from '../cli/suggest.js';
import type { Connection } from '../config/resolve-connection.js';
import { type ConfigEntry, type ConfigSourceName, type TopicAdmin, withTopicAdmin } from '../kafka/topic-admin.js';
import { MIN_ISR, minIsrOf, minIsrWarnings } from './replication-defaults.js';
import { requireTopic } from './topic-admin.js';

/** `--set k=v` values → a map; exit 2 naming the bad one. */
export function parseConfigAssignments(pairs: string[], flag = '--set'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    const key = i > 0 ? pair.slice(0, i).trim() : '';
    if (!key || /\s/.test(key)) throw new UsageError(`${flag} "${pair}" is not key=value`, `example: ${flag} retention.ms=604800000`);
    if (i === pair.length - 1) throw new UsageError(`${flag} "${pair}" has no value`, `to remove a topic-level setting, use --delete ${key}`);
    if (key in out) throw new UsageError(`${flag} sets ${key} twice`);
    out[key] = pair.slice(i + 1);
  }
  return out;
}

export interface ConfigChange {
  name: string;
  action: 'set' | 'delete' | 'unchanged';
  /** The effective value now, and where it comes from. */
  from: string | null;
  fromSource: ConfigSourceName;
  /** The effective value afterwards; null when Kafka did not say what a deleted override reverts to. */
  to: string | null;
}

export interface ConfigChangePlan {
  topic: string;
  changes: ConfigChange[];
  /** The topic-level configs before and after: AlterConfigs replaces the whole set. */
  before: Record<string, string>;
  after: Record<string, string>;
  warnings: string[];
}

/** What `--set` and `--delete` change, given the topic's current configs. Pure. */
export function planConfigChange(topic: string, entries: ConfigEntry[], set: Record<string, string>, del: string[], replicationFactor: number): ConfigChangePlan {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const known = (name: string, flag: string): ConfigEntry => {
    const entry = byName.get(name);
    if (!entry) {
      const guess = closest(name, [...byName.keys()]);
      throw new UsageError(`${flag} ${name}: ${topic} has no config named ${name}`, guess ? `did you mean ${guess}?` : 'see `streamflow topic describe` for the topic configs');
    }
    return entry;
  };
  const before = topicOverrides(topic, entries);
  const after = { ...before };
  const changes: ConfigChange[] = [];
  const warnings: string[] = [];

  for (const [name, value] of Object.entries(set)) {
    const entry = known(name, '--set');
    if (entry.readOnly) throw new UsageError(`--set ${name}: ${name} is read-only`);
    after[name] = value;
    changes.push({ name, action: before[name] === value ? 'unchanged' : 'set', from: entry.value, fromSource: entry.source, to: value });
  }
  for (const name of new Set(del)) {
    if (name in set) throw new UsageError(`${name} is both set and deleted`, 'pass it to --set or to --delete, not both');
    const entry = known(name, '--delete');
    if (entry.source !== 'topic') {
      warnings.push(`${topic}: ${name} is not set on the topic (its value ${entry.value ?? '(hidden)'} comes from ${sourceLabel(entry.source)}); nothing to delete`);
      changes.push({ name, action: 'unchanged', from: entry.value, fromSource: entry.source, to: entry.value });
      continue;
    }
    delete after[name];
    changes.push({ name, action: 'delete', from: entry.value, fromSource: entry.source, to: entry.inherited ?? null });
  }

  if (changes.some((c) => c.name === MIN_ISR && c.action !== 'unchanged')) {
    const inherited = byName.get(MIN_ISR)?.inherited;
    warnings.push(...minIsrWarnings(topic, replicationFactor, minIsrOf({ ...(inherited ? { [MIN_ISR]: inherited } : {}), ...after })));
  }
  return { topic, changes, before, after, warnings };
}

/**
 * The configs set on the topic itself. AlterConfigs replaces the whole set, so they are
 * written back with every change; a sensitive one cannot be read back and would be lost.
 */
export function topicOverrides(topic: string, entries: ConfigEntry[]): Record<string, string> {
  const secret = entries.find((e) => e.source === 'topic' && e.value === null);
  if (secret) {
    throw new UsageError(`${topic} has a sensitive topic-level config (${secret.name}) that cannot be read back, so a change would lose it`, 'change this topic with kafka-configs.sh --alter --add-config instead');
  }
  return Object.fromEntries(entries.filter((e) => e.source === 'topic').map((e) => [e.name, e.value!]));
}

export function sourceLabel(source: ConfigSourceName): string {
  const labels: Record<ConfigSourceName, string> = {
    topic: 'the topic',
    broker: 'a broker setting',
    'cluster-default': 'the cluster-wide default',
    'static-broker': "the brokers' server.properties",
    default: "Kafka's default",
    unknown: 'an unknown source',
  };
  return labels[source];
}

/** Read the topic's configs and plan the change (exit 2 when the topic does not exist). */
export async function prepareConfigChange(conn: Connection, topic: string, set: Record<string, string>, del: string[]): Promise<ConfigChangePlan> {
  return withTopicAdmin(conn, async (admin) => {
    await requireTopic(admin, topic);
    const [entries, partitions] = await Promise.all([admin.configs([topic]), admin.partitions([topic])]);
    return planConfigChange(topic, entries.get(topic) ?? [], set, del, partitions.get(topic)?.[0]?.replicas.length ?? 0);
  });
}

/**
 * Write the planned overrides. Kafka validates them first; with `validateOnly` that is all.
 * Stops (exit 1) if the topic's overrides changed since the plan was made, rather than
 * overwriting someone else's change.
 */
export async function executeConfigChange(conn: Connection, plan: ConfigChangePlan, opts: { validateOnly?: boolean } = {}): Promise<void> {
  if (plan.changes.every((c) => c.action === 'unchanged')) return;
  await withTopicAdmin(conn, async (admin) => {
    await assertOverridesUnchanged(admin, plan);
    await admin.replaceTopicConfigs(plan.topic, plan.after, opts);
  });
}

async function assertOverridesUnchanged(admin: TopicAdmin, plan: ConfigChangePlan): Promise<void> {
  const now = (await admin.configs([plan.topic])).get(plan.topic) ?? [];
  const current = Object.fromEntries(now.filter((e) => e.source === 'topic').map((e) => [e.name, e.value]));
  const same = Object.keys(current).length === Object.keys(plan.before).length && Object.entries(current).every(([k, v]) => plan.before[k] === v);
  if (!same) throw new CheckFailedError(`the topic-level configs of ${plan.topic} changed while this command ran; nothing was written`, 'run the command again');
}
