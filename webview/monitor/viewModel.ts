/**
 * DOM-free view model of the Monitor panel: the stat cards' text, the chart lines and the empty
 * states, from a MonitorReport. Unit-tested in test/unit/webview/monitor/.
 */
import type { MonitorReport } from '../../src/protocol/webview/monitor';
import { WINDOWS, statsSpanText } from '../../src/shared/monitorWindows';

export interface StatCard {
  id: string;
  label: string;
  /** The card's tooltip: its label and the stretch of time it counts ("p99 latency, last 5 min"). */
  title: string;
  value: string;
  /** An alert on this measure is firing. */
  alert: boolean;
}

const fmt = (v: number | null, digits: number, unit = ''): string =>
  v === null || !Number.isFinite(v) ? '—' : `${Number(v.toFixed(digits)).toLocaleString('en-US')}${unit}`;

/**
 * What the cards (and the Serving charts, which show the same scrape intervals) describe, for the
 * caption over them: "Last 5 min", "Since monitoring began at 14:03:05 (2m 05s)", "Since the server
 * started (one scrape so far, warm-up included)".
 */
export function statsCaption(r: MonitorReport): string {
  const text = statsSpanText(r.stats);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function statCards(r: MonitorReport): StatCard[] {
  const s = r.stats;
  const active = r.alerts.active;
  const span = statsSpanText(s);
  const cards: Omit<StatCard, 'title'>[] = [
    { id: 'requests', label: 'Requests', value: s.requests.toLocaleString('en-US'), alert: false },
    // A rate needs two scrapes; before the second one there is a count but no time span.
    { id: 'rate', label: 'Requests/s', value: r.series.length ? fmt(s.requests_per_s, 2) : '—', alert: false },
    { id: 'errors', label: 'Error rate', value: s.requests ? fmt(s.error_rate * 100, 2, '%') : '—', alert: active.error_rate !== undefined },
    { id: 'p50', label: 'p50 latency', value: fmt(s.latency_ms.p50, 2, ' ms'), alert: false },
    { id: 'p95', label: 'p95 latency', value: fmt(s.latency_ms.p95, 2, ' ms'), alert: false },
    { id: 'p99', label: 'p99 latency', value: fmt(s.latency_ms.p99, 2, ' ms'), alert: active.p99_ms !== undefined },
    { id: 'batch', label: 'Mean batch size', value: fmt(s.batch_size_mean, 2), alert: false },
    { id: 'inflight', label: 'In flight', value: String(s.in_flight), alert: false },
  ];
  return cards.map((c) => ({ ...c, title: `${c.label}, ${span}` }));
}

/** No request in the window and no scrape interval to chart: the "no traffic yet" state. */
export function hasTraffic(r: MonitorReport): boolean {
  return r.stats.requests > 0 || r.series.some((p) => p.requests_per_s > 0);
}

export interface Line {
  id: string;
  label: string;
  x: number[];
  y: (number | null)[];
}

export function seriesLines(r: MonitorReport): { traffic: Line[]; latency: Line[]; batching: Line[] } {
  const x = r.series.map((p) => p.t);
  const line = (id: string, label: string, pick: (p: MonitorReport['series'][number]) => number | null): Line => ({ id, label, x, y: r.series.map(pick) });
  return {
    traffic: [line('rps', 'requests/s', (p) => p.requests_per_s), line('err', 'error %', (p) => p.error_rate * 100)],
    latency: [line('p50', 'p50 ms', (p) => p.p50_ms), line('p95', 'p95 ms', (p) => p.p95_ms), line('p99', 'p99 ms', (p) => p.p99_ms)],
    batching: [line('batch', 'mean batch size', (p) => p.batch_size_mean), line('inflight', 'in flight', (p) => p.in_flight)],
  };
}

/** Room after the report's time, as a share of the window (see windowRange). */
const RIGHT_ROOM = 0.02;

/**
 * The time axis of every chart: the whole window, ending when the report was made, plus a little
 * room (RIGHT_ROOM of the window) after it. Fitting the axis to the data instead turns a first
 * scrape (one point) into a 2 ms wide axis of meaningless ticks, and hides how much of the window
 * has traffic. The room is for the newest point: it is scraped just before the report is made, so
 * it sat on the plot's right edge, where its marker was clipped away, and a panel opened on a new
 * deployment showed empty charts beside cards full of numbers.
 */
export function windowRange(r: MonitorReport): [number, number] {
  const end = Date.parse(r.generated_at);
  const span = WINDOWS[r.window];
  return [end - span, end + span * RIGHT_ROOM];
}

/** One line per predicted value (the 8 most frequent), share of predictions per time bin. */
export function predictionLines(r: MonitorReport): Line[] {
  const totals = new Map<string, number>();
  for (const b of r.predictions.bins) for (const [k, n] of Object.entries(b.counts)) totals.set(k, (totals.get(k) ?? 0) + n);
  const keys = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k]) => k);
  const x = r.predictions.bins.map((b) => b.t);
  return keys.map((k) => ({
    id: `pred-${k}`,
    label: `${r.predictions.output ?? 'prediction'} = ${k}`,
    x,
    y: r.predictions.bins.map((b) => {
      const n = Object.values(b.counts).reduce((a, c) => a + c, 0);
      return n ? (b.counts[k] ?? 0) / n : null;
    }),
  }));
}

export function num(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** Parses the thresholds form: blank = no threshold; error rate is typed in percent. */
export function parseThresholds(fields: { p99: string; errorPct: string; drift: string }): { thresholds: Record<string, number>; error?: string } {
  const out: Record<string, number> = {};
  const read = (text: string, key: string, scale: number, max: number, label: string): string | undefined => {
    if (!text.trim()) return undefined;
    const v = Number(text);
    if (!Number.isFinite(v) || v < 0 || v > max) return `${label} must be a number from 0 to ${max}`;
    out[key] = v * scale;
    return undefined;
  };
  const error =
    read(fields.p99, 'p99_ms', 1, 3_600_000, 'p99 latency (ms)') ??
    read(fields.errorPct, 'error_rate', 0.01, 100, 'Error rate (%)') ??
    read(fields.drift, 'drift_score', 1, 1, 'Drift score');
  return error ? { thresholds: out, error } : { thresholds: out };
}
