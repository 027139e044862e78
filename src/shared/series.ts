/**
 * Metric series → chart data. DOM-free, so the host (downsampling before postMessage) and the node
 * unit tests share it with the webviews.
 */
import { downsampleMinMax } from './downsample';
import { type JsonNumber, fromJsonNumber } from './runModel';

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
  return fromJsonNumber(v) ?? NaN;
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

/**
 * At most `maxPoints` points, in order: the one min/max downsampler (`downsampleMinMax`, which
 * the backend uses for Compare) applied to a point list. Per bucket of equal step width it keeps
 * the minimum and maximum, plus the first and last drawable point and one non-finite point per
 * bucket, so spikes and divergence survive, unlike dropping every n-th point.
 */
export function downsample<T extends SeriesPoint>(points: readonly T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return [...points];
  const ordered = isSortedByStep(points) ? points : [...points].sort((a, b) => a.step - b.step);
  // downsampleMinMax keeps ≤ 2·buckets + 2 drawable points and ≤ buckets non-finite markers.
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 3));
  const x = ordered.map((p) => p.step);
  // ±Inf cannot be drawn either: mark them like NaN instead of letting them be a bucket's extreme.
  const y = ordered.map((p) => {
    const v = numericValue(p.value);
    return Number.isFinite(v) ? v : NaN;
  });
  const d = downsampleMinMax(x, y, buckets);
  const keep = [...d.points, ...d.nans].sort((a, b) => a - b);
  return keep.map((i) => ordered[i]!);
}
