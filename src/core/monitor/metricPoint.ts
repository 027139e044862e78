/**
 * One scrape of a model server's /metrics, reduced to what monitoring keeps for one deployment
 * (the model and version it serves). Counters and histogram buckets stay cumulative, as the server
 * reports them: any subset of points still gives correct increases between them, so history can be
 * thinned by dropping points (history.ts) without losing counts.
 */
import type { Sample } from './promText';

export const METRIC = {
  requests: 'mlwb_inference_requests_total',
  latency: 'mlwb_inference_request_duration_seconds',
  batch: 'mlwb_inference_batch_size',
  inFlight: 'mlwb_inference_requests_in_flight',
  /** prom-client's process metric (unlabelled), in whole seconds since the epoch. */
  started: 'mlwb_server_process_start_time_seconds',
} as const;

/** A cumulative histogram: `counts[i]` observations ≤ `le[i]` (the last bound is +Inf, stored as null in JSON). */
export interface Buckets {
  le: (number | null)[];
  counts: number[];
  sum: number;
  count: number;
}

export interface MetricPoint {
  /** Scrape time, ms since the epoch. */
  t: number;
  requests: number;
  /** Requests answered with a 4xx or 5xx status. */
  errors: number;
  latency: Buckets;
  batch: Buckets;
  inFlight: number;
  /**
   * When the server process started, ms since the epoch (to within a second: the earliest it can
   * have been), if its /metrics says: a window that holds the start counts from it
   * (windowStats.ts). Absent in points stored before.
   */
  started?: number;
}

function matches(s: Sample, model: string, version: string | undefined): boolean {
  return s.labels['model'] === model && (version === undefined || s.labels['version'] === version);
}

function buckets(samples: readonly Sample[], base: string, model: string, version: string | undefined): Buckets {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (!matches(s, model, version)) continue;
    if (s.name === `${base}_bucket`) {
      const le = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
      if (!Number.isNaN(le)) byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    } else if (s.name === `${base}_sum`) sum += s.value;
    else if (s.name === `${base}_count`) count += s.value;
  }
  const le = [...byLe.keys()].sort((a, b) => a - b);
  return { le: le.map((x) => (x === Infinity ? null : x)), counts: le.map((x) => byLe.get(x)!), sum, count };
}

/** The point for `model` (and `version`, when given) in one scrape; versions are summed when not. */
export function pointFromSamples(samples: readonly Sample[], t: number, model: string, version?: string): MetricPoint {
  let requests = 0;
  let errors = 0;
  let inFlight = 0;
  let started: number | undefined;
  for (const s of samples) {
    // prom-client rounds the start to the nearest second: take the earliest it can have been, which
    // is never after the process started (a fast server is scraped within that half second).
    if (s.name === METRIC.started && s.value > 0) started = s.value * 1000 - 500;
    if (!matches(s, model, version)) continue;
    if (s.name === METRIC.requests) {
      requests += s.value;
      if (Number(s.labels['status']) >= 400) errors += s.value;
    } else if (s.name === METRIC.inFlight) inFlight += s.value;
  }
  return {
    t,
    requests,
    errors,
    latency: buckets(samples, METRIC.latency, model, version),
    batch: buckets(samples, METRIC.batch, model, version),
    inFlight,
    ...(started === undefined ? {} : { started }),
  };
}
