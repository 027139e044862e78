/**
 * Rates and latency quantiles over a time window, from cumulative scrape points. Increases follow
 * Prometheus's `increase()`: a counter that went down means the server restarted, so the new value
 * is the increase since then. Quantiles follow `histogram_quantile()`: linear inside the bucket.
 */
import { WINDOWS, type WindowName } from '../../shared/monitorWindows';
import { type Buckets, type MetricPoint } from './metricPoint';

export { WINDOWS, type WindowName };

export function isWindowName(v: unknown): v is WindowName {
  return typeof v === 'string' && Object.hasOwn(WINDOWS, v);
}

export interface LatencyQuantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface WindowStats {
  window: WindowName;
  /** ISO times the numbers cover; `from` is the server's start when no earlier scrape exists. */
  from: string | null;
  to: string | null;
  requests: number;
  errors: number;
  error_rate: number;
  requests_per_s: number;
  latency_ms: LatencyQuantiles;
  batch_size_mean: number | null;
  in_flight: number;
}

export interface SeriesPoint {
  t: number;
  requests_per_s: number;
  error_rate: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  batch_size_mean: number | null;
  in_flight: number;
}

const inc = (a: number, b: number): number => (b >= a ? b - a : b);

/** A server restart between two scrapes: its request counter went down. Then every counter starts again. */
const restarted = (a: MetricPoint, b: MetricPoint): boolean => b.requests < a.requests || b.latency.count < a.latency.count;
const errorsBetween = (a: MetricPoint, b: MetricPoint): number => (restarted(a, b) ? b.errors : inc(a.errors, b.errors));

/** Increase of a histogram between two scrapes (a reset when its count went down). */
export function bucketIncrease(prev: Buckets | undefined, cur: Buckets): Buckets {
  if (!prev || cur.count < prev.count || prev.le.length !== cur.le.length) return cur;
  return { le: cur.le, counts: cur.counts.map((c, i) => inc(prev.counts[i] ?? 0, c)), sum: inc(prev.sum, cur.sum), count: cur.count - prev.count };
}

function addBuckets(a: Buckets | undefined, b: Buckets): Buckets {
  if (!a || a.le.length !== b.le.length) return b;
  return { le: b.le, counts: b.counts.map((c, i) => c + a.counts[i]!), sum: a.sum + b.sum, count: a.count + b.count };
}

/** The q-quantile of a cumulative histogram, interpolated inside its bucket; null when empty. */
export function bucketQuantile(q: number, h: Buckets): number | null {
  const total = h.counts[h.counts.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < h.counts.length; i++) {
    if (h.counts[i]! >= rank) {
      const upper = h.le[i];
      const lower = i === 0 ? 0 : (h.le[i - 1] as number);
      if (upper === null || upper === undefined) return lower; // the +Inf bucket: the highest finite bound
      const below = i === 0 ? 0 : h.counts[i - 1]!;
      const inBucket = h.counts[i]! - below;
      return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
    }
  }
  return null;
}

const ms = (s: number | null): number | null => (s === null ? null : Math.round(s * 1e6) / 1e3);

function quantiles(h: Buckets | undefined): LatencyQuantiles {
  if (!h) return { p50: null, p95: null, p99: null };
  return { p50: ms(bucketQuantile(0.5, h)), p95: ms(bucketQuantile(0.95, h)), p99: ms(bucketQuantile(0.99, h)) };
}

const ZERO: Omit<MetricPoint, 't'> = {
  requests: 0,
  errors: 0,
  latency: { le: [], counts: [], sum: 0, count: 0 },
  batch: { le: [], counts: [], sum: 0, count: 0 },
  inFlight: 0,
};

/**
 * Totals over the last `window` before `now`. The baseline is the newest point before the window;
 * without one (monitoring started inside the window) counts run from the server's start.
 */
export function windowStats(points: readonly MetricPoint[], window: WindowName, now = Date.now()): WindowStats {
  const start = now - WINDOWS[window];
  const inside = points.filter((p) => p.t >= start && p.t <= now);
  const before = points.filter((p) => p.t < start);
  const base = before[before.length - 1];
  const chain = base ? [base, ...inside] : inside;
  let requests = 0;
  let errors = 0;
  let latency: Buckets | undefined;
  let batch: Buckets | undefined;
  let prev: MetricPoint | undefined = base ? undefined : { t: 0, ...ZERO };
  for (const p of chain) {
    if (prev) {
      requests += inc(prev.requests, p.requests);
      errors += errorsBetween(prev, p);
      latency = addBuckets(latency, bucketIncrease(prev.latency.count ? prev.latency : undefined, p.latency));
      batch = addBuckets(batch, bucketIncrease(prev.batch.count ? prev.batch : undefined, p.batch));
    }
    prev = p;
  }
  const first = chain[0];
  const last = chain[chain.length - 1];
  // The rate needs a time span: between the first and last scrape of the chain (the count since
  // the server's start, when there is no baseline, has no known start time and is left out).
  let spanRequests = 0;
  for (let i = 1; i < chain.length; i++)
    spanRequests += restarted(chain[i - 1]!, chain[i]!) ? chain[i]!.requests : inc(chain[i - 1]!.requests, chain[i]!.requests);
  const spanS = first && last ? (last.t - first.t) / 1000 : 0;
  return {
    window,
    from: base ? new Date(base.t).toISOString() : null,
    to: last ? new Date(last.t).toISOString() : null,
    requests,
    errors,
    error_rate: requests ? errors / requests : 0,
    requests_per_s: spanS > 0 ? spanRequests / spanS : 0,
    latency_ms: quantiles(latency),
    batch_size_mean: batch && batch.count ? batch.sum / batch.count : null,
    in_flight: last?.inFlight ?? 0,
  };
}

/** One chart point per scrape interval inside the window (rates between consecutive scrapes). */
export function windowSeries(points: readonly MetricPoint[], window: WindowName, now = Date.now()): SeriesPoint[] {
  const start = now - WINDOWS[window];
  const out: SeriesPoint[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (b.t < start || b.t > now || b.t <= a.t) continue;
    const requests = inc(a.requests, b.requests);
    const lat = bucketIncrease(a.latency, b.latency);
    const bat = bucketIncrease(a.batch, b.batch);
    const q = quantiles(lat.count ? lat : undefined);
    out.push({
      t: b.t,
      requests_per_s: requests / ((b.t - a.t) / 1000),
      error_rate: requests ? errorsBetween(a, b) / requests : 0,
      p50_ms: q.p50,
      p95_ms: q.p95,
      p99_ms: q.p99,
      batch_size_mean: bat.count ? bat.sum / bat.count : null,
      in_flight: b.inFlight,
    });
  }
  return out;
}
