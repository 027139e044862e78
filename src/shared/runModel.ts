/** The run shapes shared by the CLI's JSON, the backend protocol and the views (see BRIEF "Contracts"). */

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'killed'];

/** A metric value as it crosses JSON: non-finite numbers travel as strings. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface MetricSummary {
  last: JsonNumber;
  min: JsonNumber;
  max: JsonNumber;
  count: number;
  last_step: number;
}

export interface Run {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  /** ISO 8601. */
  start_time: string;
  /** ISO 8601, null while running. */
  end_time: string | null;
  duration_ms: number | null;
  lifecycle: 'active' | 'deleted';
  source: { path: string | null; kind: string | null };
  error: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, MetricSummary>;
}

export interface MetricPoint {
  step: number;
  value: JsonNumber;
  /** ISO 8601. */
  timestamp: string;
}

export interface Experiment {
  id: number;
  name: string;
  run_count: number;
  running_count: number;
  /** ISO 8601 start of the newest run, null for an empty experiment. */
  last_run_start: string | null;
}

/** Encodes a number for JSON the way the contracts require (NaN and ±Inf as strings). */
export function toJsonNumber(v: number | null): JsonNumber {
  // SQLite has no NaN: it stores NaN as NULL, and ingest relies on that.
  if (v === null || Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

export function fromJsonNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
