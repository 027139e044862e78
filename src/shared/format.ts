import type { JsonNumber, Run, RunStatus } from './runModel';

/** Codicon names per status, shared by the tree, the details panel and the comparison table. */
export const STATUS_ICON: Record<RunStatus, string> = {
  running: 'sync~spin',
  finished: 'pass',
  failed: 'error',
  killed: 'circle-slash',
};

/** Short human duration: 850 ms, 12.3 s, 4m 05s, 2h 03m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A byte count for people: 0 B, 1023 B, 1.5 KiB, 50 MiB; '—' when unknown. The divisor is 1024,
 * so the units are the IEC ones (KiB, not KB), the same in the CLI, the views and the panels.
 */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** A metric value for display: 4 significant digits, NaN and ±Inf spelled out. */
export function formatMetricValue(v: JsonNumber): string {
  if (typeof v !== 'number') return v === 'Infinity' ? '∞' : v === '-Infinity' ? '-∞' : 'NaN';
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/**
 * A step number, the same wherever one is shown (chart readouts and ticks, the metric summaries,
 * Compare's step axis): digits grouped by thousands, "29,980", as counts are written across the UI
 * (en-US grouping in every locale, so a step and a count beside it never differ in separator).
 */
export function formatStep(step: number): string {
  if (!Number.isFinite(step)) return String(step);
  // Built on first use, not at load: constructing an Intl formatter loads ICU data (4-11 ms), which
  // every CLI command, the backend and the extension host would pay at start whether they show a
  // step or not. Steps are whole numbers; a fraction (a tick between steps) is kept, not rounded.
  stepFormat ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
  return stepFormat.format(step);
}

let stepFormat: Intl.NumberFormat | undefined;

/** A time of day for a time axis's readout and ticks: "03:04:05" (local time, 24 h). */
export function formatClockTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * The metric shown beside a run in the tree: the configured key when the run has it, else a
 * conventional one (loss, accuracy, …), else the alphabetically first.
 */
export function keyMetric(run: Run, preferred: readonly string[] = []): { key: string; value: string } | undefined {
  const keys = Object.keys(run.metrics);
  if (keys.length === 0) return undefined;
  const conventional = ['val_loss', 'loss', 'val_accuracy', 'accuracy', 'acc', 'f1', 'rmse'];
  const key = [...preferred, ...conventional].find((k) => k in run.metrics) ?? keys.sort()[0]!;
  return { key, value: formatMetricValue(run.metrics[key]!.last) };
}

// Dates: one human format in every view and panel (locale-aware, via Intl), relative where recency
// matters ("5 min ago"), with the exact time beside it in a tooltip. Machine output (CLI --json,
// event logs) stays ISO 8601 and never goes through these.

type TimeInput = string | number;

function toMs(t: TimeInput): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

// One formatter per (locale, style), built on first use: Intl constructors are slow.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(locale: string | undefined, seconds: boolean): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${seconds}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short' });
    dateTimeFormats.set(key, f);
  }
  return f;
}

/** "Nov 26, 2026, 12:44 AM" in the user's locale; the input back when it is not a time. */
export function formatDateTime(t: TimeInput, locale?: string): string {
  const ms = toMs(t);
  return Number.isFinite(ms) ? dateTimeFormat(locale, false).format(ms) : String(t);
}

/** The exact time, with seconds, for tooltips: "Nov 26, 2026, 12:44:35 AM". */
export function formatExactTime(t: TimeInput, locale?: string): string {
  const ms = toMs(t);
  return Number.isFinite(ms) ? dateTimeFormat(locale, true).format(ms) : String(t);
}

/**
 * "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago"; older than a week (or in the
 * future beyond clock skew) the date and time as formatDateTime writes it.
 */
export function formatRelativeTime(t: TimeInput, now = Date.now(), locale?: string): string {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return String(t);
  const s = Math.round((now - ms) / 1000);
  if (s < -60 || s >= 7 * 86_400) return formatDateTime(ms, locale);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  const days = Math.round(s / 86_400);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}
