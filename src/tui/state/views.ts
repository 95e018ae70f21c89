/** The dashboard's views, in the order of their number keys. */
export const VIEWS = [
  { id: 'cluster', label: 'Cluster' },
  { id: 'topics', label: 'Topics' },
  { id: 'groups', label: 'Groups' },
  { id: 'dlq', label: 'DLQ' },
  { id: 'offsets', label: 'Offsets' },
  { id: 'schemas', label: 'Schemas' },
  { id: 'services', label: 'Services' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function isViewId(id: string): id is ViewId {
  return VIEWS.some((v) => v.id === id);
}

/** The view `step` places away (Tab: +1, Shift-Tab: -1), wrapping around. */
export function cycleView(current: ViewId, step: 1 | -1): ViewId {
  const i = VIEWS.findIndex((v) => v.id === current);
  return VIEWS[(i + step + VIEWS.length) % VIEWS.length]!.id;
}
