/**
 * Rates and latency quantiles over a time window, from cumulative scrape points. Increases follow
 * Prometheus's `increase()`: a counter that went down means the server restarted, so the new value
 * is the increase since then. Quantiles follow `histogram_quantile()`: linear inside the bucket.
 */
import { type StatsSpan, WINDOWS, type WindowName } from '../../shared/monitorWindows';
import { type Buckets, type MetricPoint } from './metricPoint';

export { type StatsSpan, WINDOWS, type WindowName };

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
  /** Which stretch of time the numbers count (StatsSpan, src/shared/monitorWindows.ts); `from`/`to` bound it. */
  span: StatsSpan;
  /** ISO time the numbers count from: where the intervals start ('none': the window's start); null for 'lifetime'. */
  from: string | null;
  /** ISO time of the newest scrape counted ('none': now). */
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

/** A scrape's cumulative numbers without its time (ZERO: a server that has just started). */
type Counters = Omit<MetricPoint, 't'>;

/** A server restart between two scrapes: its request counter went down. Then every counter starts again. */
const restarted = (a: Counters, b: Counters): boolean => b.requests < a.requests || b.latency.count < a.latency.count;
const errorsBetween = (a: Counters, b: Counters): number => (restarted(a, b) ? b.errors : inc(a.errors, b.errors));

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

const ZERO: Counters = {
  requests: 0,
  errors: 0,
  latency: { le: [], counts: [], sum: 0, count: 0 },
  batch: { le: [], counts: [], sum: 0, count: 0 },
  inFlight: 0,
};

/**
 * The scrapes a window's intervals run through, and where they start (the span): the newest scrape
 * before the window ('window'); else, when the server started inside the window and before its
 * first scrape there, its start as a scrape of zeros ('server_start': the requests it answered
 * before monitoring's first scrape, its warm-up too, then have a time and an interval of their
 * own); else the window's first scrape ('monitoring': what came before it has no known time).
 */
function windowChain(points: readonly MetricPoint[], window: WindowName, now: number): { chain: MetricPoint[]; inside: MetricPoint[]; span: StatsSpan } {
  const start = now - WINDOWS[window];
  let base: MetricPoint | undefined;
  const inside: MetricPoint[] = [];
  for (const p of points) {
    if (p.t < start) base = p;
    else if (p.t <= now) inside.push(p);
  }
  if (base) return { chain: [base, ...inside], inside, span: 'window' };
  const first = inside[0];
  const started = first?.started;
  if (first && started !== undefined && started >= start && started < first.t)
    return { chain: [{ t: started, ...ZERO }, ...inside], inside, span: 'server_start' };
  return { chain: inside, inside, span: 'monitoring' };
}

/** The intervals the cards sum and the charts draw: each pair of consecutive points of the chain. */
function intervalsOf(chain: readonly MetricPoint[]): [MetricPoint, MetricPoint][] {
  const out: [MetricPoint, MetricPoint][] = [];
  for (let i = 1; i < chain.length; i++) if (chain[i]!.t > chain[i - 1]!.t) out.push([chain[i - 1]!, chain[i]!]);
  return out;
}

interface Increase {
  requests: number;
  errors: number;
  latency: Buckets;
  batch: Buckets;
}

/** What the server did between two scrapes (from its start, when `a` is ZERO). */
function increase(a: Counters, b: Counters): Increase {
  return {
    requests: inc(a.requests, b.requests),
    errors: errorsBetween(a, b),
    latency: bucketIncrease(a.latency.count ? a.latency : undefined, b.latency),
    batch: bucketIncrease(a.batch.count ? a.batch : undefined, b.batch),
  };
}

/**
 * Totals over the last `window` before `now`: the sum of the intervals its charts show
 * (windowSeries). Without any interval (a single scrape of a server that started before the window,
 * or whose start is unknown), the server's totals since its start, labelled 'lifetime'.
 */
export function windowStats(points: readonly MetricPoint[], window: WindowName, now = Date.now()): WindowStats {
  const w = windowChain(points, window, now);
  const intervals = intervalsOf(w.chain);
  const last = w.inside[w.inside.length - 1];
  let span: StatsSpan;
  let parts: Increase[];
  let first: number | undefined;
  let to = last?.t;
  if (intervals.length) {
    span = w.span;
    parts = intervals.map(([a, b]) => increase(a, b));
    first = intervals[0]![0].t;
  } else if (last) {
    // `from` stays null: the totals reach back to a start that may lie before the window (the
    // panel and `mlwb monitor` say "since the server started (one scrape so far)").
    span = 'lifetime';
    parts = [increase(ZERO, last)];
  } else {
    // An empty window: nothing counted from its start to now.
    span = 'none';
    parts = [];
    first = now - WINDOWS[window];
    to = now;
  }
  let requests = 0;
  let errors = 0;
  let latency: Buckets | undefined;
  let batch: Buckets | undefined;
  for (const p of parts) {
    requests += p.requests;
    errors += p.errors;
    latency = addBuckets(latency, p.latency);
    batch = addBuckets(batch, p.batch);
  }
  // A rate needs the intervals' time span ('lifetime' has none: the server's totals are not the window's).
  const spanS = intervals.length ? (last!.t - first!) / 1000 : 0;
  return {
    window,
    span,
    from: first === undefined ? null : new Date(first).toISOString(),
    to: to === undefined ? null : new Date(to).toISOString(),
    requests,
    errors,
    error_rate: requests ? errors / requests : 0,
    requests_per_s: spanS > 0 ? requests / spanS : 0,
    latency_ms: quantiles(latency?.count ? latency : undefined),
    batch_size_mean: batch && batch.count ? batch.sum / batch.count : null,
    in_flight: last?.inFlight ?? 0,
  };
}

/** One chart point per scrape interval inside the window (rates between consecutive scrapes); the intervals windowStats sums. */
export function windowSeries(points: readonly MetricPoint[], window: WindowName, now = Date.now()): SeriesPoint[] {
  return intervalsOf(windowChain(points, window, now).chain).map(([a, b]) => {
    const d = increase(a, b);
    const q = quantiles(d.latency.count ? d.latency : undefined);
    return {
      t: b.t,
      requests_per_s: d.requests / ((b.t - a.t) / 1000),
      error_rate: d.requests ? d.errors / d.requests : 0,
      p50_ms: q.p50,
      p95_ms: q.p95,
      p99_ms: q.p99,
      batch_size_mean: d.batch.count ? d.batch.sum / d.batch.count : null,
      in_flight: b.inFlight,
    };
  });
}
