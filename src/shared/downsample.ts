/**
 * Pure helpers for charts, shared by the backend (which downsamples) and the webview (which
 * smooths). No I/O and no Node APIs, so the webview bundle can import this file as is.
 */

export interface DownsampleResult {
  /** Indices of the points to draw (values that are not NaN), ascending, so x is non-decreasing. */
  points: number[];
  /** Indices of NaN values to mark on the chart, ascending: all of them when `exact`, else at most one per bucket. */
  nans: number[];
  /** The x extent that was bucketed: the requested range, else the extent of the data. */
  x0: number;
  x1: number;
  /** Width of one bucket in x units (0 when x0 = x1). Zooming finer than this fetches new data. */
  bucketWidth: number;
  /** Every point in range is returned; zooming in cannot reveal more. */
  exact: boolean;
  /** Points (NaN included) with x in range. */
  count: number;
}

/**
 * Keeps, per bucket of equal x width, the points holding the bucket's minimum and maximum, plus
 * the first and last non-NaN points of the range (so a line starts and ends where the data does).
 * Spikes survive because an extreme is never dropped; nothing is dropped at random.
 *
 * Bounds: `points.length ≤ 2·buckets + 2` and, unless exact, `nans.length ≤ buckets`. A range
 * holding at most 2·buckets + 2 points is returned whole (`exact`).
 *
 * `x` must be non-decreasing (series arrive sorted by step or time). Ties in y keep the first.
 */
export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, buckets: number, range?: readonly [number, number]): DownsampleResult {
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a whole number ≥ 1, got ${buckets}`);
  if (x.length !== y.length) throw new RangeError('x and y must have the same length');
  if (range && !(range[0] <= range[1])) throw new RangeError(`range must be [x0, x1] with x0 ≤ x1, got [${range[0]}, ${range[1]}]`);
  const lo = range ? lowerBound(x, range[0]) : 0;
  const hi = range ? upperBound(x, range[1]) : x.length;
  const count = Math.max(0, hi - lo);
  const x0 = range ? range[0] : count ? x[lo]! : 0;
  const x1 = range ? range[1] : count ? x[hi - 1]! : 0;
  const bucketWidth = (x1 - x0) / buckets;
  const result: DownsampleResult = { points: [], nans: [], x0, x1, bucketWidth, exact: count <= 2 * buckets + 2, count };
  if (result.exact) {
    for (let i = lo; i < hi; i++) (Number.isNaN(y[i]!) ? result.nans : result.points).push(i);
    return result;
  }
  const points = result.points;
  let bucket = -1;
  let minI = -1;
  let maxI = -1;
  let nanI = -1;
  let first = -1;
  let last = -1;
  const flush = () => {
    if (minI >= 0) {
      // Emit in x order so the line goes through both extremes the way the data did.
      const a = Math.min(minI, maxI);
      const b = Math.max(minI, maxI);
      points.push(a);
      if (b !== a) points.push(b);
    }
    if (nanI >= 0) result.nans.push(nanI);
    minI = maxI = nanI = -1;
  };
  for (let i = lo; i < hi; i++) {
    const b = bucketWidth > 0 ? Math.min(buckets - 1, Math.floor((x[i]! - x0) / bucketWidth)) : 0;
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (nanI < 0) nanI = i;
      continue;
    }
    if (first < 0) first = i;
    last = i;
    if (minI < 0 || v < y[minI]!) minI = i;
    if (maxI < 0 || v > y[maxI]!) maxI = i;
  }
  flush();
  if (first >= 0 && points[0] !== first) points.unshift(first);
  if (last >= 0 && points[points.length - 1] !== last) points.push(last);
  return result;
}

/** First index with x[i] ≥ v. */
export function lowerBound(x: ArrayLike<number>, v: number): number {
  let a = 0;
  let b = x.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x[m]! < v) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index with x[i] > v. */
export function upperBound(x: ArrayLike<number>, v: number): number {
  let a = 0;
  let b = x.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (x[m]! <= v) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * Exponential moving average as TensorBoard's smoothing slider computes it: `smoothing` is the
 * weight of the past (0 = raw, 0.99 = very smooth), and the average is debiased so the start of
 * the curve is not pulled toward zero. NaN and ±Inf pass through untouched and do not disturb the
 * average; a constant series is returned as is (debiasing would add rounding noise).
 * Smoothing downsampled points smooths over buckets rather than steps: fine for display.
 */
export function ema(values: ArrayLike<number>, smoothing: number): number[] {
  if (!(smoothing >= 0 && smoothing < 1)) throw new RangeError(`smoothing must be in [0, 1), got ${smoothing}`);
  const out = new Array<number>(values.length);
  let constant = true;
  for (let i = 1; i < values.length && constant; i++) constant = Object.is(values[i], values[0]);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (constant || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * smoothing + (1 - smoothing) * v;
    n++;
    out[i] = last / (1 - Math.pow(smoothing, n));
  }
  return out;
}
