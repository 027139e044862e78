/**
 * Pure helpers of the comparison charts (node-tested): axis ticks, scales, tick labels and the
 * nearest point to the pointer.
 */
import type { XAxis } from '../../src/protocol/webview/compare';
import { formatDuration } from '../../src/shared/format';
import { formatNumber } from './viewModel';

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // Multiples of the step (not a running sum, which accumulates float error: 0.15000000000000002).
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(+(k * step).toPrecision(12));
  return out;
}

/** Powers of ten within [lo, hi] (both > 0) for a log axis. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const v = 10 ** e;
    if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
  }
  return out.length >= 2 ? out : [lo, hi];
}

export interface Scale {
  lo: number;
  hi: number;
  log: boolean;
}

/** Position in [0, 1] of v on the scale (NaN when it cannot be drawn, e.g. ≤ 0 on a log axis). */
export function project(s: Scale, v: number): number {
  if (s.log) {
    if (!(v > 0)) return NaN;
    return (Math.log10(v) - Math.log10(s.lo)) / (Math.log10(s.hi) - Math.log10(s.lo) || 1);
  }
  return (v - s.lo) / (s.hi - s.lo || 1);
}

/** The y extent of finite values (positive ones on a log axis), padded 5%. */
export function yExtent(series: readonly { y: readonly number[] }[], log: boolean): Scale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series)
    for (const v of s.y) {
      if (!Number.isFinite(v) || (log && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (lo > hi) return { lo: log ? 0.1 : 0, hi: log ? 10 : 1, log };
  if (log) return lo === hi ? { lo: lo / 2, hi: hi * 2, log } : { lo: lo / 1.2, hi: hi * 1.2, log };
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
  return { lo: lo - pad, hi: hi + pad, log };
}

export function formatX(axis: XAxis, v: number): string {
  if (axis === 'time') {
    const d = new Date(v);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  if (axis === 'relative') return formatDuration(v);
  return formatNumber(v);
}

/** Index of the point of sorted `xs` closest to x. */
export function nearestIndex(xs: readonly number[], x: number): number {
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
