/**
 * Pure helpers of the shared line chart (DOM-free, node-tested): what a line draws, the point under
 * the pointer, and the readout text shown when hovering and when not.
 */
import { formatClockTime, formatStep } from '../../src/shared/format';

/** Index of the point of sorted `xs` closest to x; -1 for no points. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x) ? lo - 1 : lo;
}

/**
 * The y values a line draws: NaN, ±Inf and missing values become gaps (null), and so do values
 * ≤ 0 on a log axis, which have no position there. A gap breaks the line instead of bending it.
 */
export function drawableY(y: ArrayLike<number | null>, log: boolean): (number | null)[] {
  const out = new Array<number | null>(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? v : null;
  }
  return out;
}

/** The index of the last point with a drawable value, or -1. */
export function lastDrawnIndex(y: ArrayLike<number | null>): number {
  for (let i = y.length - 1; i >= 0; i--) if (y[i] !== null && y[i] !== undefined) return i;
  return -1;
}

export interface ReadoutPoint {
  label: string;
  x: string;
  y: string;
}

/**
 * The line of text under a chart. Hovering: the nearest line's point ("run-3 · step 120 → 0.31").
 * Not hovering: a single line's last value ("last 0.31 at step 120"); with several lines nothing,
 * since one line's value would read as the chart's. Never placeholder dashes.
 */
export function readoutText(xLabel: string, hovered: ReadoutPoint | undefined, last: ReadoutPoint | undefined, lines: number): string {
  if (hovered) return `${hovered.label} · ${xLabel} ${hovered.x} → ${hovered.y}`;
  if (last && lines === 1) return `last ${last.y} at ${xLabel} ${last.x}`;
  return '';
}

/**
 * How a chart writes an x value, in its readout and its ticks: the owner's format, else a time of
 * day on a time axis, else a step (a chart's x is a step unless its owner says otherwise), written
 * as every other step in the UI is.
 */
export function xFormatter(opts: { formatX?: ((v: number) => string) | undefined; time?: boolean | undefined }): (v: number) => string {
  return opts.formatX ?? (opts.time === true ? formatClockTime : formatStep);
}

/** A tick label; uPlot passes null for ticks it leaves unlabelled (crowded log decades). */
export function tickText(format: (v: number) => string): (v: number | null) => string {
  return (v) => (v === null || v === undefined ? '' : format(v));
}
