/**
 * The MLflow interop part of the backend contract (docs/mlflow.md), merged into `BackendRequests`
 * in ./backend.ts. Types only.
 */
import type { ImportResult } from '../core/mlflow/importer';

export type { ImportResult };

/** Where terminals and tasks send MLflow calls: the values of MLFLOW_TRACKING_URI / _TOKEN. */
export interface MlflowEndpointInfo {
  url: string;
  token: string;
}

export interface MlflowRequests {
  /**
   * Starts (enabled) or stops the workspace's MLflow-compatible endpoint on 127.0.0.1; null when
   * it is off. Refused in an untrusted workspace. Creates `.mlwb/` if needed.
   */
  'mlflow/endpoint': { params: { enabled: boolean }; result: MlflowEndpointInfo | null };
  /** Imports an mlruns/ folder or mlflow.db; progress arrives as `mlflow/importProgress`. */
  'mlflow/import': { params: { path: string; opId: string }; result: ImportResult };
}

export interface MlflowNotifications {
  'mlflow/importProgress': { opId: string; done: number; total: number };
}
