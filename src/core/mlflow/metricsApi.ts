import { type Args, decodePageToken, encodePageToken, optInt, optStr, str, strList } from './args';
import type { MlflowContext } from './context';
import { invalid } from './errors';
import { metricJson } from './runJson';

interface PointRow {
  step: number;
  ts: number;
  value: number | null;
}

const HISTORY_PAGE = 25_000;
const BULK_MAX_RUNS = 100;
const BULK_MAX_RESULTS = 2500;

export function getMetricHistory(ctx: MlflowContext, a: Args): { metrics: object[]; next_page_token?: string } {
  const runId = optStr(a, 'run_id') ?? str(a, 'run_uuid');
  const key = str(a, 'metric_key');
  ctx.runState(runId);
  ctx.syncRun(runId);
  const max = optInt(a, 'max_results') ?? HISTORY_PAGE;
  const offset = decodePageToken(optStr(a, 'page_token'));
  const rows = ctx.db
    .prepare(
      `SELECT p.step, p.ts, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id
        WHERE s.run_id = ? AND s.key = ? ORDER BY p.rowid LIMIT ? OFFSET ?`,
    )
    .all(runId, key, max + 1, offset) as PointRow[];
  const more = rows.length > max;
  const metrics = (more ? rows.slice(0, max) : rows).map((p) => ({ key, value: metricJson(p.value), timestamp: p.ts, step: p.step }));
  return more ? { metrics, next_page_token: encodePageToken(offset + max) } : { metrics };
}

/**
 * The charts' sampled history: for each run, the points at up to max_results steps spread evenly
 * over the steps in [start_step, end_step], always keeping the first and the last (as MLflow).
 */
export function getMetricHistoryBulkInterval(ctx: MlflowContext, a: Args): { metrics: object[] } {
  const runIds = strList(a, 'run_ids');
  if (runIds.length === 0) throw invalid("Missing value for required parameter 'run_ids'.");
  if (runIds.length > BULK_MAX_RUNS)
    throw invalid(`GetMetricHistoryBulkInterval request must specify at most ${BULK_MAX_RUNS} run_ids. Received ${runIds.length} run_ids.`);
  const key = str(a, 'metric_key');
  const maxResults = optInt(a, 'max_results') ?? BULK_MAX_RESULTS;
  if (maxResults <= 0 || maxResults > BULK_MAX_RESULTS) throw invalid(`max_results must be between 1 and ${BULK_MAX_RESULTS}, got ${maxResults}.`);
  const start = optInt(a, 'start_step') ?? Number.MIN_SAFE_INTEGER;
  const end = optInt(a, 'end_step') ?? Number.MAX_SAFE_INTEGER;
  if (start > end) throw invalid('end_step must be greater than start_step.');
  for (const id of runIds) ctx.runState(id);
  ctx.sync();
  const stmt = ctx.db.prepare(
    `SELECT p.step, p.ts, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id
      WHERE s.run_id = ? AND s.key = ? AND p.step BETWEEN ? AND ? ORDER BY p.step, p.rowid`,
  );
  const out: object[] = [];
  for (const runId of runIds) {
    const rows = stmt.all(runId, key, start, end) as PointRow[];
    const steps = [...new Set(rows.map((r) => r.step))];
    const keep = new Set(sampleSteps(steps, maxResults));
    for (const p of rows) if (keep.has(p.step)) out.push({ key, value: metricJson(p.value), timestamp: p.ts, step: p.step, run_id: runId });
  }
  return { metrics: out };
}

function sampleSteps(steps: number[], n: number): number[] {
  if (steps.length <= n) return steps;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(steps[Math.round((i * (steps.length - 1)) / (n - 1))]!);
  return out;
}
