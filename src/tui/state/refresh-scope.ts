import { bodySize } from '../layout/body-size.js';
import type { DashboardState, ListKey } from './dashboard-state.js';
import { cursorOf, visibleItems } from './lists.js';

/** What one refresh reads: the lag of these groups and the start/end offsets of these topics. */
export interface RefreshScope {
  groups: readonly string[] | 'all';
  topics: readonly string[] | 'all';
}

export const FULL_SCOPE: RefreshScope = { groups: 'all', topics: 'all' };

/**
 * A group or topic off screen is still read this often: twice in a lag window (30 s), so it
 * keeps a rate, a verdict and its topics' in and out rates while off screen, and has them
 * the moment it scrolls into view (from then on it is read every refresh).
 */
export const OFF_SCREEN_PERIOD_MS = 15_000;

/**
 * The groups and topics the next refresh reads: what the current view can show (the rows
 * around the cursor, or the one group or topic opened) and a round-robin share of the rest,
 * stalest first, sized so each is read once per OFF_SCREEN_PERIOD_MS. The first refresh
 * reads everything. On a big cluster this is what keeps a refresh's cost to the screen's
 * size instead of the cluster's.
 */
export function refreshScope(s: DashboardState, refreshMs: number): RefreshScope {
  const o = s.overview;
  if (o.at === null) return FULL_SCOPE;
  const shown = onScreen(s);
  const share = (all: readonly string[], on: ReadonlySet<string>, lastRead: (name: string) => number): string[] => {
    const off = all.filter((n) => !on.has(n));
    const count = Math.ceil((off.length * refreshMs) / OFF_SCREEN_PERIOD_MS);
    const stalest = off.map((name) => ({ name, at: lastRead(name) })).sort((a, b) => a.at - b.at);
    return [...on, ...stalest.slice(0, count).map((x) => x.name)];
  };
  return {
    groups: share(o.listedGroups, shown.groups, (g) => o.samples[g]?.at(-1)?.takenAt ?? -Infinity),
    topics: share(
      o.topics.map((t) => t.name),
      shown.topics,
      (t) => o.topicEnds[t]?.at(-1)?.at ?? -Infinity,
    ),
  };
}

/** The groups and topics whose numbers the current view shows. */
function onScreen(s: DashboardState): { groups: Set<string>; topics: Set<string> } {
  const groups = new Set<string>();
  const topics = new Set<string>();
  switch (s.view) {
    case 'groups':
      if (s.xray !== null) groups.add(s.xray.group);
      else if (s.openGroup !== null) groups.add(s.openGroup);
      else for (const g of around(s, 'groups')) groups.add(g.group);
      break;
    case 'offsets':
      if (s.wizard.step === 'group') for (const g of around(s, 'reset-groups')) groups.add(g.group);
      else if (s.wizard.group !== null) groups.add(s.wizard.group);
      break;
    case 'topics':
      if (s.openTopic !== null) topics.add(s.openTopic);
      else for (const t of around(s, 'topics')) topics.add(t.name);
      break;
    default:
      break;
  }
  return { groups, topics };
}

/** The rows a list can show, wherever its window has scrolled (it holds the cursor): a body's height either side of the cursor. */
function around<K extends 'groups' | 'reset-groups' | 'topics'>(s: DashboardState, key: K & ListKey) {
  const items = visibleItems(s, key);
  const cursor = cursorOf(s, key);
  const height = bodySize(s.size).rows;
  return items.slice(Math.max(0, cursor - height + 1), cursor + height);
}
