import { SERVICES } from '../../src/runtime/types.js';
import { Raster, type Rgb, TEXT_HEIGHT, textWidth } from './raster.js';
import { SOAK_PROCESSES, type SoakProcess, type SoakSample, stateBytes, totalLag } from './soak-samples.js';

export interface PlotOptions {
  title: string;
  /** ms after the start: drawn as dashed markers. */
  windowFilledAtMs?: number;
  trafficEndMs?: number;
  width?: number;
  height?: number;
}

interface Series {
  name: string;
  color: Rgb;
  thickness: number;
  points: Array<[t: number, value: number | null]>;
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];
const MARKER: Rgb = [150, 150, 150];
const COLORS: Record<SoakProcess | 'redis' | 'state' | 'lag', Rgb> = {
  redis: [200, 30, 30],
  state: [240, 140, 20],
  generator: [110, 110, 110],
  payment: [30, 90, 200],
  inventory: [40, 150, 60],
  shipping: [140, 60, 170],
  notification: [0, 150, 160],
  lag: [20, 20, 20],
};
const MB = 1024 * 1024;

/**
 * soak.png: two panels over time, Redis memory (used_memory, and without the verify audit) with
 * each process's RSS in MB, and the total lag of the services' groups (with each service's).
 * Axes carry tick labels, each panel a legend; dashed markers show when the dedup window filled
 * and when the traffic ended. Pure: the same samples and options give the same bytes.
 */
export function renderSoakPlot(samples: SoakSample[], opts: PlotOptions): Buffer {
  const width = opts.width ?? 1000;
  const height = opts.height ?? 720;
  const r = new Raster(width, height, WHITE);
  r.text(80, 14, opts.title, INK, 2);

  const left = 80;
  const right = width - 24;
  const memory: Series[] = [
    { name: 'redis used_memory', color: COLORS.redis, thickness: 2, points: samples.map((s) => [s.t, s.redisBytes / MB]) },
    { name: 'redis less verify audit', color: COLORS.state, thickness: 2, points: samples.map((s) => [s.t, stateBytes(s) / MB]) },
    ...SOAK_PROCESSES.map((p): Series => ({ name: `rss ${p}`, color: COLORS[p], thickness: 1, points: samples.map((s) => [s.t, s.rssBytes[p] === null ? null : s.rssBytes[p] / MB]) })),
  ];
  const lag: Series[] = [
    { name: 'total lag', color: COLORS.lag, thickness: 2, points: samples.map((s) => [s.t, totalLag(s)]) },
    ...SERVICES.map((svc): Series => ({ name: svc, color: COLORS[svc], thickness: 1, points: samples.map((s) => [s.t, s.lag[svc]]) })),
  ];
  const ts = samples.map((s) => s.t);
  const t0 = Math.min(0, ...ts);
  const t1 = Math.max(t0 + 1000, ...ts);
  const inMinutes = t1 - t0 > 5 * 60_000;
  const xAxis = { from: t0, to: t1, unit: inMinutes ? 60_000 : 1000, label: inMinutes ? 'time since the generator started (min)' : 'time since the generator started (s)' };
  const top = 50;
  const split = Math.round(top + (height - top) * 0.56);
  panel(r, { left, right, top, bottom: split - 40 }, xAxis, memory, 'MB', opts);
  panel(r, { left, right, top: split + 10, bottom: height - 40 }, xAxis, lag, 'records', opts);
  return r.toPng();
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function panel(r: Raster, box: Box, x: { from: number; to: number; unit: number; label: string }, series: Series[], yLabel: string, opts: PlotOptions): void {
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter((v): v is number => v !== null && Number.isFinite(v));
  const yMax = niceCeil(Math.max(1, ...values) * 1.05);
  const px = (t: number) => box.left + ((t - x.from) / (x.to - x.from)) * (box.right - box.left);
  const py = (v: number) => box.bottom - (v / yMax) * (box.bottom - box.top);

  // Grid and tick labels.
  const yStep = niceStep(yMax / 5);
  for (let v = 0; v <= yMax + yStep / 1e6; v += yStep) {
    const y = Math.round(py(v));
    r.line(box.left, y, box.right, y, GRID);
    const label = formatTick(v, yStep);
    r.text(box.left - 6 - textWidth(label), y - 3, label, INK);
  }
  const xStep = niceStep((x.to - x.from) / x.unit / 8) * x.unit;
  for (let t = Math.ceil(x.from / xStep) * xStep; t <= x.to; t += xStep) {
    const xx = Math.round(px(t));
    r.line(xx, box.top, xx, box.bottom, GRID);
    r.line(xx, box.bottom, xx, box.bottom + 4, INK);
    const label = formatTick(t / x.unit, xStep / x.unit);
    r.text(xx - textWidth(label) / 2, box.bottom + 8, label, INK);
  }
  r.text(box.right - textWidth(x.label), box.bottom + 20, x.label, INK);
  r.textUp(box.left - 62, box.bottom - (box.bottom - box.top) / 2 + textWidth(yLabel) / 2, yLabel, INK);

  // Markers.
  for (const [at, name] of [
    [opts.windowFilledAtMs, 'window filled'],
    [opts.trafficEndMs, 'traffic end'],
  ] as const) {
    if (at === undefined || at < x.from || at > x.to) continue;
    const xx = Math.round(px(at));
    r.dashedVertical(xx, box.top, box.bottom, MARKER);
    const fits = xx + 3 + textWidth(name) <= box.right;
    r.text(fits ? xx + 3 : xx - 3 - textWidth(name), box.top + 2, name, MARKER);
  }

  // Series, thin ones first so the bold ones stay on top.
  for (const s of [...series].sort((a, b) => a.thickness - b.thickness)) {
    let prev: [number, number] | null = null;
    for (const [t, v] of s.points) {
      if (v === null) {
        prev = null;
        continue;
      }
      const p: [number, number] = [px(t), py(v)];
      if (prev) r.line(prev[0], prev[1], p[0], p[1], s.color, s.thickness);
      else r.pixel(p[0], p[1], s.color);
      prev = p;
    }
  }

  // Axes.
  r.line(box.left, box.top, box.left, box.bottom, INK);
  r.line(box.left, box.bottom, box.right, box.bottom, INK);

  // Legend, top left inside the panel.
  const lineHeight = TEXT_HEIGHT + 5;
  const legendWidth = 24 + Math.max(...series.map((s) => textWidth(s.name)));
  const lx = box.left + 10;
  const ly = box.top + 14;
  r.fillRect(lx - 4, ly - 4, legendWidth + 8, series.length * lineHeight + 4, WHITE);
  series.forEach((s, i) => {
    const y = ly + i * lineHeight;
    r.fillRect(lx, y + 2, 16, Math.max(2, s.thickness + 1), s.color);
    r.text(lx + 22, y, s.name, INK);
  });
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function niceCeil(v: number): number {
  const step = niceStep(v / 5);
  return Math.ceil(v / step) * step;
}

function formatTick(v: number, step: number): string {
  if (Math.abs(v) >= 1e6 && step >= 1e5) return `${trim(v / 1e6)}M`;
  if (Math.abs(v) >= 1e4 && step >= 1e3) return `${trim(v / 1e3)}K`;
  return trim(v);
}

function trim(v: number): string {
  return String(Math.round(v * 100) / 100);
}
