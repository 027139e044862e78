/**
 * Metric series → chart data. DOM-free, so the host (downsampling before postMessage) and the node
 * unit tests share it with the webviews.
 */
import type { JsonNumber } from './runModel';

export interface SeriesPoint {
  step: number;
  value: JsonNumber;
}

/** Columns in uPlot's aligned-data shape; `null` is a gap. */
export interface ChartSeries {
  x: number[];
  y: (number | null)[];
  /** Points that cannot be drawn (shown as gaps and counted in the chart's caption). */
  nan: number;
  posInf: number;
  negInf: number;
}

/** A value as a number: JSON strings for NaN/±Inf decoded, anything else NaN. */
export function numericValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return NaN;
}

/**
 * x = step, y = value. Non-finite values become gaps rather than being dropped, so a run that
 * diverged shows where it did; a line cannot be drawn through NaN or to infinity.
 */
export function toChartSeries(points: readonly SeriesPoint[]): ChartSeries {
  const ordered = isSortedByStep(points) ? points : [...points].sort((a, b) => a.step - b.step);
  const out: ChartSeries = { x: [], y: [], nan: 0, posInf: 0, negInf: 0 };
  for (const p of ordered) {
    if (typeof p.step !== 'number' || !Number.isFinite(p.step)) continue;
    const v = numericValue(p.value);
    out.x.push(p.step);
    if (Number.isFinite(v)) {
      out.y.push(v);
      continue;
    }
    out.y.push(null);
    if (v === Infinity) out.posInf++;
    else if (v === -Infinity) out.negInf++;
    else out.nan++;
  }
  return out;
}

function isSortedByStep(points: readonly SeriesPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]!.step < points[i - 1]!.step) return false;
  return true;
}

export interface NonFiniteCounts {
  nan: number;
  posInf: number;
  negInf: number;
}

/** How many values are NaN, +∞ and −∞ (counted on the full series, before downsampling). */
export function countNonFinite(points: readonly SeriesPoint[]): NonFiniteCounts {
  const out: NonFiniteCounts = { nan: 0, posInf: 0, negInf: 0 };
  for (const p of points) {
    const v = numericValue(p.value);
    if (v === Infinity) out.posInf++;
    else if (v === -Infinity) out.negInf++;
    else if (Number.isNaN(v)) out.nan++;
  }
  return out;
}

/** Points per bucket that `downsample` may keep: first, last, min, max, first non-finite. */
const KEPT_PER_BUCKET = 5;

/**
 * At most `maxPoints` points, in order, keeping per bucket its first, last, minimum, maximum and
 * first non-finite point: spikes and divergence survive, unlike dropping every n-th point.
 */
export function downsample<T extends SeriesPoint>(points: readonly T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return [...points];
  const buckets = Math.max(1, Math.floor(maxPoints / KEPT_PER_BUCKET));
  const size = points.length / buckets;
  const out: T[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    if (end <= start) continue;
    let min = -1;
    let max = -1;
    let nonFinite = -1;
    for (let i = start; i < end; i++) {
      const v = numericValue(points[i]!.value);
      if (!Number.isFinite(v)) {
        if (nonFinite < 0) nonFinite = i;
        continue;
      }
      if (min < 0 || v < numericValue(points[min]!.value)) min = i;
      if (max < 0 || v > numericValue(points[max]!.value)) max = i;
    }
    const keep = [...new Set([start, end - 1, min, max, nonFinite].filter((i) => i >= 0))].sort((a, c) => a - c);
    for (const i of keep) out.push(points[i]!);
  }
  return out;
}
