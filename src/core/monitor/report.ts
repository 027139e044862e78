/**
 * Everything monitoring knows about one deployment over a window, in one object: what the Monitor
 * panel shows, what `mlwb monitor` prints, and what alerts are evaluated on.
 */
import type { DeploymentRecord } from '../deploy/deployment';
import { errorMessage } from '../errors';
import { openSnapshotTable } from '../snapshots/tables';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { type Thresholds, thresholdsFor } from './alertConfig';
import { type AlertEvent, type AlertState, evaluate, measures, readAlertState, writeAlertState } from './alerts';
import { MetricHistory } from './history';
import { type LiveDrift, liveDrift } from './liveDrift';
import { type PredictionBin, inputRows, predictionDistribution, readRequestLog } from './requestLog';
import { resolveReference } from './reference';
import { type SeriesPoint, WINDOWS, type WindowName, type WindowStats, windowSeries, windowStats } from './windowStats';

export interface ReferenceInfo {
  snapshot_id: string;
  snapshot_name: string | null;
  dataset: string;
  table: string;
  source: 'lineage' | 'user';
}

export interface MonitorReport {
  deployment: { id: string; model: string; version: number; status: string; url: string | null };
  window: WindowName;
  generated_at: string;
  stats: WindowStats;
  series: SeriesPoint[];
  predictions: { output: string | null; bins: PredictionBin[] };
  /** Sampled requests read from the request log in the window. */
  sampled_requests: number;
  /** Null when there is no reference or no live input rows; `drift_problem` says why. */
  drift: LiveDrift | null;
  drift_problem: string | null;
  reference: ReferenceInfo | null;
  /** The training run (lineage), whose source file Retrain starts. */
  run_id: string | null;
  thresholds: Thresholds;
  alerts: AlertState;
}

export interface ReportOptions {
  window: WindowName;
  /** The workspace folder (where mlwb.yaml is). */
  workspaceRoot: string;
  now?: number;
}

export async function buildReport(db: Db, paths: WorkspacePaths, d: DeploymentRecord, options: ReportOptions): Promise<MonitorReport> {
  const now = options.now ?? Date.now();
  const points = new MetricHistory(paths.root, d.id).read();
  const from = now - WINDOWS[options.window];
  const records = d.request_log_dir ? readRequestLog(d.request_log_dir, { sinceMs: from }) : [];
  const ref = resolveReference(db, paths, d);
  let drift: LiveDrift | null = null;
  let problem: string | null = null;
  if (!ref.ok) problem = ref.reason;
  else if (!d.request_log_dir) problem = `Deployment ${d.id} keeps no request log on this machine, so there are no live inputs to compare.`;
  else {
    const live = inputRows(records);
    if (!live || live.rows.length === 0) problem = `No sampled requests with input data in the last ${options.window} yet.`;
    else {
      try {
        drift = await liveDrift(openSnapshotTable(db, paths, ref.reference.snapshot, ref.reference.table), live.rows, live.width);
      } catch (e) {
        problem = errorMessage(e);
      }
    }
  }
  return {
    deployment: { id: d.id, model: d.model, version: d.version, status: d.status, url: d.url },
    window: options.window,
    generated_at: new Date(now).toISOString(),
    stats: windowStats(points, options.window, now),
    series: windowSeries(points, options.window, now),
    predictions: predictionDistribution(records, from, now),
    sampled_requests: records.length,
    drift,
    drift_problem: problem,
    reference: ref.ok
      ? {
          snapshot_id: ref.reference.snapshot.id,
          snapshot_name: ref.reference.snapshot.name,
          dataset: ref.reference.snapshot.dataset,
          table: ref.reference.table,
          source: ref.reference.source,
        }
      : null,
    run_id: ref.ok ? ref.reference.run_id : ref.run_id,
    thresholds: thresholdsFor(paths.root, options.workspaceRoot, d),
    alerts: readAlertState(paths.root, d.id),
  };
}

/** Evaluates the report's measures against its thresholds and records the crossings. */
export function recordAlerts(paths: WorkspacePaths, report: MonitorReport, now = Date.now()): AlertEvent[] {
  const { state, events } = evaluate(report.alerts, report.thresholds, measures(report.stats, report.drift ?? undefined), now);
  if (events.length) writeAlertState(paths.root, report.deployment.id, state);
  report.alerts = state;
  return events;
}

/** The BRIEF's `mlwb monitor --json` shape (plus a few fields tools may use). */
export function reportJson(r: MonitorReport): Record<string, unknown> {
  return {
    deployment: r.deployment.id,
    model: r.deployment.model,
    version: r.deployment.version,
    window: r.window,
    // Which stretch of time the numbers describe (StatsSpan) and its bounds: with one scrape they
    // are the server's totals since its start, not the window's.
    span: r.stats.span,
    from: r.stats.from,
    to: r.stats.to,
    requests: r.stats.requests,
    errors: r.stats.errors,
    error_rate: r.stats.error_rate,
    requests_per_s: r.stats.requests_per_s,
    latency_ms: r.stats.latency_ms,
    batch_size_mean: r.stats.batch_size_mean,
    in_flight: r.stats.in_flight,
    sampled_requests: r.sampled_requests,
    reference: r.reference,
    drift: (r.drift?.features ?? []).map((f) => ({ feature: f.feature, psi: f.psi, ks: f.ks, js: f.js, score: f.score })),
    drift_problem: r.drift_problem,
    alerts: Object.values(r.alerts.active),
  };
}
