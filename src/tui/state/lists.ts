import type { BrowsedRecord } from '../../dlq/dlq-browse.js';
import type { GroupXray, XrayQueue } from '../data/group-xray.js';
import type { DlqSummary } from '../../dlq/dlq-summary.js';
import type { GroupLag } from '../../lag/compute-lag.js';
import type { RecordView } from '../../records/record-json.js';
import type { SubjectSummary } from '../../schema/subject-admin.js';
import { recordSearchText } from '../layout/record-text.js';
import type { DashboardState, ListKey, SubjectVersionRow } from './dashboard-state.js';
import { filterMatch } from './filter-match.js';
import { RESET_MODES } from './offset-wizard.js';
import type { DashboardPartition, TopicRow } from './overview-state.js';
import type { PartitionInfo, ServiceRow } from './snapshots.js';

/** The list the arrow keys, Enter and '/' act on in the current view and step; null when none. */
export function activeList(s: DashboardState): ListKey | null {
  switch (s.view) {
    case 'cluster':
      return null;
    case 'topics':
      if (s.openTopic === null) return 'topics';
      return s.records === null ? 'topic-partitions' : s.records.detail === null ? 'topic-records' : null;
    case 'groups':
      return s.xray !== null ? 'xray-dlqs' : s.openGroup === null ? 'groups' : 'group-partitions';
    case 'dlq':
      return s.dlq.browse === null ? 'dlq' : 'dlq-records';
    case 'offsets':
      return s.wizard.step === 'group' ? 'reset-groups' : s.wizard.step === 'scope' ? 'reset-scopes' : s.wizard.step === 'mode' ? 'reset-modes' : null;
    case 'schemas':
      return s.schemas.versions === null ? 'schemas' : 'schema-versions';
    case 'services':
      return 'services';
  }
}

export type ScopeChoice = { topic: string | null; label: string };
export type ModeChoice = (typeof RESET_MODES)[number];

interface ListItems {
  topics: TopicRow;
  'topic-partitions': PartitionInfo;
  'topic-records': RecordView;
  groups: GroupLag;
  'group-partitions': DashboardPartition;
  'xray-dlqs': XrayQueue;
  dlq: DlqSummary;
  'dlq-records': BrowsedRecord;
  'reset-groups': GroupLag;
  'reset-scopes': ScopeChoice;
  'reset-modes': ModeChoice;
  schemas: SubjectSummary;
  'schema-versions': SubjectVersionRow;
  services: ServiceRow;
}

const EMPTY: readonly never[] = [];

/** All items of a list, unfiltered. The arrays come from the reducer, so their identity changes only with the data. */
function itemsOf<K extends ListKey>(s: DashboardState, key: K): readonly ListItems[K][] {
  const items = (): readonly unknown[] => {
    switch (key) {
      case 'topics':
        return s.overview.topics;
      case 'topic-partitions':
        return (s.openTopic !== null && s.overview.partitionsByTopic[s.openTopic]) || EMPTY;
      case 'topic-records':
        return s.records?.rows ?? EMPTY;
      case 'groups':
      case 'reset-groups':
        return s.overview.groups;
      case 'group-partitions':
        return s.overview.groups.find((g) => g.group === s.openGroup)?.partitions ?? EMPTY;
      case 'xray-dlqs':
        return s.xray?.result ? dlqsOf(s.xray.result) : EMPTY;
      case 'dlq':
        return s.dlq.topics ?? EMPTY;
      case 'dlq-records':
        return s.dlq.browse?.result?.records ?? EMPTY;
      case 'reset-scopes':
        return scopeChoices(s);
      case 'reset-modes':
        return RESET_MODES;
      case 'schemas':
        return s.schemas.subjects ?? EMPTY;
      case 'schema-versions':
        return s.schemas.versions?.rows ?? EMPTY;
      case 'services':
        return s.services.rows;
    }
    return EMPTY;
  };
  return items() as readonly ListItems[K][];
}

/** What '/' matches against, per list. */
const searchText: { [K in ListKey]: (item: ListItems[K]) => string } = {
  topics: (t) => t.name,
  'topic-partitions': (p) => String(p.partition),
  'topic-records': recordSearchText,
  groups: (g) => `${g.group} ${g.state}`,
  'group-partitions': (p) => `${p.topic} ${p.partition}`,
  'xray-dlqs': (q) => `${q.topic} ${Object.keys(q.errors).join(' ')}`,
  dlq: (d) => `${d.topic} ${Object.keys(d.errors).join(' ')}`,
  'dlq-records': (r) => `${r.partition}/${r.offset} ${r.key ?? ''} ${r.error.class ?? ''} ${r.error.message ?? ''} ${r.original.topic ?? ''}`,
  'reset-groups': (g) => g.group,
  'reset-scopes': (c) => c.label,
  'reset-modes': (m) => m.label,
  schemas: (x) => `${x.subject} ${x.compatibility}`,
  'schema-versions': (v) => `${v.version} ${v.summary}`,
  services: (r) => r.service,
};

const dlqCache = new WeakMap<GroupXray, XrayQueue[]>();

/** The X-ray's DLQs (the rows Enter opens), one array per X-ray read. */
function dlqsOf(x: GroupXray): readonly XrayQueue[] {
  let dlqs = dlqCache.get(x);
  if (!dlqs) dlqCache.set(x, (dlqs = x.queues.filter((q) => q.kind === 'dlq')));
  return dlqs;
}

const scopeCache = new WeakMap<GroupLag, ScopeChoice[]>();

function scopeChoices(s: DashboardState): readonly ScopeChoice[] {
  const group = s.overview.groups.find((g) => g.group === s.wizard.group);
  const all: ScopeChoice = { topic: null, label: 'all topics the group has offsets for' };
  if (!group) return [all];
  let choices = scopeCache.get(group);
  if (!choices) {
    choices = [all, ...[...new Set(group.partitions.map((p) => p.topic))].sort().map((topic) => ({ topic, label: topic }))];
    scopeCache.set(group, choices);
  }
  return choices;
}

const filterCache = new WeakMap<object, Map<string, readonly unknown[]>>();

/** The list's items that match its filter (filterMatch: a regex, '!' inverts); memoized per data and filter. */
export function visibleItems<K extends ListKey>(s: DashboardState, key: K): readonly ListItems[K][] {
  const items = itemsOf(s, key);
  const filter = (s.filters[key] ?? '').trim();
  const match = filterMatch(filter);
  if (match === null || items.length === 0) return items;
  let byFilter = filterCache.get(items);
  if (!byFilter) filterCache.set(items, (byFilter = new Map()));
  let hit = byFilter.get(`${key}\u0000${filter}`) as readonly ListItems[K][] | undefined;
  if (!hit) {
    const text = searchText[key] as (item: ListItems[K]) => string;
    hit = items.filter((i) => match.test(text(i)));
    byFilter.set(`${key}\u0000${filter}`, hit);
  }
  return hit;
}

/** The cursor, clamped to the list as it is now (a refresh may have shortened it). */
export function cursorOf(s: DashboardState, key: ListKey): number {
  const n = visibleItems(s, key).length;
  return Math.max(0, Math.min(s.cursors[key] ?? 0, n - 1));
}

export function selectedItem<K extends ListKey>(s: DashboardState, key: K): ListItems[K] | undefined {
  return visibleItems(s, key)[cursorOf(s, key)];
}
