import type { Run } from '../../shared/runModel';
import { fromJsonNumber } from '../../shared/runModel';
import type { MlflowContext } from './context';

/** MLflow's JSON shapes (protobuf JSON of mlflow.Run and friends). */
export interface MlflowKeyValue {
  key: string;
  value: string;
}
export interface MlflowMetric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}
export interface MlflowRunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: string;
}
export interface MlflowRun {
  info: MlflowRunInfo;
  data: { metrics: MlflowMetric[]; params: MlflowKeyValue[]; tags: MlflowKeyValue[] };
  inputs: { dataset_inputs: unknown[] };
}

/** Where a run's artifacts live as MLflow sees them: served by our artifact proxy. */
export function runArtifactUri(runId: string): string {
  return `mlflow-artifacts:/runs/${runId}/artifacts`;
}

export function metricJson(v: number | string | null): number | string {
  // SQLite stores NaN as NULL; protobuf JSON spells non-finite doubles as strings.
  if (v === null) return 'NaN';
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

/** Runs in our contract shape → MLflow's, with metric timestamps and experiment ids looked up in bulk. */
export function toMlflowRuns(ctx: MlflowContext, runs: readonly Run[]): MlflowRun[] {
  if (runs.length === 0) return [];
  const lastTs = new Map<string, number>();
  const rows = ctx.db
    .prepare(
      `SELECT s.run_id, s.key, m.last_ts FROM metric_series s JOIN metric_summary m ON m.series_id = s.id
        WHERE s.run_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(runs.map((r) => r.id))) as { run_id: string; key: string; last_ts: number }[];
  for (const r of rows) lastTs.set(r.run_id + '\0' + r.key, r.last_ts);
  const names = new Set(runs.map((r) => r.experiment));
  ctx.experiments.adopt(names);
  return runs.map((r) => toMlflowRun(ctx, r, lastTs));
}

function toMlflowRun(ctx: MlflowContext, r: Run, lastTs: Map<string, number>): MlflowRun {
  const tags: Record<string, string> = { ...r.tags };
  tags['mlflow.runName'] = r.name;
  const info: MlflowRunInfo = {
    run_id: r.id,
    run_uuid: r.id,
    run_name: r.name,
    experiment_id: ctx.experiments.byStoreName(r.experiment)?.id ?? '0',
    user_id: tags['mlflow.user'] ?? '',
    status: r.status.toUpperCase(),
    start_time: Date.parse(r.start_time),
    artifact_uri: runArtifactUri(r.id),
    lifecycle_stage: r.lifecycle,
  };
  if (r.end_time) info.end_time = Date.parse(r.end_time);
  return {
    info,
    data: {
      metrics: Object.entries(r.metrics).map(([key, m]) => ({
        key,
        value: metricJson(fromJsonNumber(m.last) ?? null),
        timestamp: lastTs.get(r.id + '\0' + key) ?? 0,
        step: m.last_step,
      })),
      params: Object.entries(r.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
    inputs: { dataset_inputs: [] },
  };
}
