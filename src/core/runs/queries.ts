import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import { type Experiment, type MetricPoint, type MetricSummary, type Run, type RunStatus, isoOrNull, toJsonNumber } from '../../shared/runModel';

/** A runs row as selected by RUN_COLUMNS (shared with src/core/query). */
export interface RunRow {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle: 'active' | 'deleted';
  source_path: string | null;
  source_kind: string | null;
  error: string | null;
}

export interface ListRunsOptions {
  /** Experiment name; all experiments when absent. */
  readonly experiment?: string;
  readonly includeDeleted?: boolean;
  readonly limit?: number;
}

export const RUN_COLUMNS = `r.id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time, r.lifecycle,
  r.source_path, r.source_kind, r.error`;

export function listExperiments(db: Db): Experiment[] {
  const rows = db
    .prepare(
      `SELECT e.id, e.name,
              count(r.id) AS run_count,
              coalesce(sum(r.status = 'running'), 0) AS running_count,
              max(r.start_time) AS last_start
         FROM experiments e
         LEFT JOIN runs r ON r.experiment_id = e.id AND r.lifecycle = 'active'
        WHERE e.lifecycle = 'active'
        GROUP BY e.id
        ORDER BY last_start DESC NULLS LAST, e.name`,
    )
    .all() as { id: number; name: string; run_count: number; running_count: number; last_start: number | null }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    run_count: r.run_count,
    running_count: r.running_count,
    last_run_start: isoOrNull(r.last_start),
  }));
}

/** Runs newest first, each with its params, tags and metric summaries (read in bulk, not per run). */
export function listRuns(db: Db, options: ListRunsOptions = {}): Run[] {
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  if (!options.includeDeleted) where.push(`r.lifecycle = 'active'`);
  if (options.experiment !== undefined) {
    where.push('e.name = @experiment');
    args['experiment'] = options.experiment;
  }
  const limit = options.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
  const rows = db
    .prepare(
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY r.start_time DESC, r.id DESC ${limit}`,
    )
    .all(args) as RunRow[];
  return attachDetails(db, rows);
}

export function getRun(db: Db, id: string): Run {
  const row = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`).get(id) as RunRow | undefined;
  if (!row) throw new MlwbError(`No run with id ${id}.`, 'NOT_FOUND');
  return attachDetails(db, [row])[0]!;
}

export function getMetricPoints(db: Db, runId: string, key: string): MetricPoint[] {
  const series = db.prepare('SELECT id FROM metric_series WHERE run_id = ? AND key = ?').get(runId, key) as { id: number } | undefined;
  if (!series) throw new MlwbError(`Run ${runId} has no metric "${key}".`, 'NOT_FOUND');
  const points = db.prepare('SELECT step, ts, value FROM metric_points WHERE series_id = ? ORDER BY step, ts, rowid').all(series.id) as {
    step: number;
    ts: number;
    value: number | null;
  }[];
  return points.map((p) => ({ step: p.step, value: toJsonNumber(p.value), timestamp: new Date(p.ts).toISOString() }));
}

/** Runs in the rows' order, each with its params, tags and metric summaries, read in bulk. */
export function attachDetails(db: Db, rows: RunRow[]): Run[] {
  const runs = new Map<string, Run>();
  for (const row of rows) runs.set(row.id, toRun(row));
  if (runs.size === 0) return [];
  // A JSON array parameter keeps one statement for any number of runs (no SQLite variable limit).
  const ids = JSON.stringify([...runs.keys()]);
  const inIds = 'IN (SELECT value FROM json_each(?))';
  for (const p of db.prepare(`SELECT run_id, key, value FROM params WHERE run_id ${inIds}`).iterate(ids) as Iterable<KeyValue>) {
    runs.get(p.run_id)!.params[p.key] = p.value;
  }
  for (const t of db.prepare(`SELECT run_id, key, value FROM tags WHERE run_id ${inIds}`).iterate(ids) as Iterable<KeyValue>) {
    runs.get(t.run_id)!.tags[t.key] = t.value;
  }
  const summaries = db
    .prepare(
      `SELECT s.run_id, s.key, m.last, m.min, m.max, m.count, m.last_step
         FROM metric_series s JOIN metric_summary m ON m.series_id = s.id
        WHERE s.run_id ${inIds}`,
    )
    .iterate(ids) as Iterable<SummaryRow>;
  for (const m of summaries) {
    const summary: MetricSummary = {
      last: toJsonNumber(m.last),
      min: toJsonNumber(m.min),
      max: toJsonNumber(m.max),
      count: m.count,
      last_step: m.last_step,
    };
    runs.get(m.run_id)!.metrics[m.key] = summary;
  }
  return [...runs.values()];
}

interface KeyValue {
  run_id: string;
  key: string;
  value: string;
}

interface SummaryRow {
  run_id: string;
  key: string;
  last: number | null;
  min: number | null;
  max: number | null;
  count: number;
  last_step: number;
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    name: row.name,
    experiment: row.experiment,
    status: row.status,
    start_time: new Date(row.start_time).toISOString(),
    end_time: isoOrNull(row.end_time),
    duration_ms: row.end_time !== null ? row.end_time - row.start_time : null,
    lifecycle: row.lifecycle,
    source: { path: row.source_path, kind: row.source_kind },
    error: row.error,
    params: {},
    tags: {},
    metrics: {},
  };
}
