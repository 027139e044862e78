/**
 * The monitoring part of the backend contract (docs/monitoring.md), merged into `BackendRequests` /
 * `BackendNotifications` in ./backend.ts. Types only: no `vscode`, no natives.
 */
import type { DeploymentRecord } from '../core/deploy/deployment';
import type { Thresholds } from '../core/monitor/alertConfig';
import type { AlertEvent } from '../core/monitor/alerts';
import type { MonitorReport, ReferenceInfo } from '../core/monitor/report';
import type { WindowName } from '../core/monitor/windowStats';

export type { DeploymentRecord, Thresholds, AlertEvent, MonitorReport, ReferenceInfo, WindowName };

/** What Retrain starts: the training run's source file (lineage), and the data folder it read. */
export interface RetrainPlan {
  runId: string | null;
  /** Absolute path of the run's source script, when the run recorded one that still exists. */
  script: string | null;
  /** Workspace-relative path of the data the run read (the reference snapshot's dataset), if known. */
  dataset: string | null;
  /** Why the plan is incomplete, in words a user can act on. */
  problem: string | null;
}

export interface MonitorRequests {
  /** Every deployment record in the workspace, newest first. */
  'monitor/deployments': { params: Record<string, never>; result: DeploymentRecord[] };
  /** Stats, series, predictions, drift and alerts of one deployment over a window. */
  'monitor/report': { params: { deploymentId: string; window: WindowName }; result: MonitorReport };
  /** Thresholds set in the Monitor panel (they win over mlwb.yaml's); returns the ones in force. */
  'monitor/setThresholds': { params: { deploymentId: string; thresholds: Thresholds }; result: Thresholds };
  /** Picks a snapshot as the drift reference (stored); `snapshotId: null` goes back to lineage. */
  'monitor/setReference': { params: { deploymentId: string; snapshotId: string | null; path?: string }; result: ReferenceInfo | null };
  'monitor/retrainPlan': { params: { deploymentId: string }; result: RetrainPlan };
}

export interface MonitorNotifications {
  /** A threshold was crossed (or is back under) for a deployment. */
  'monitor/alert': { deploymentId: string; model: string; version: number; event: AlertEvent };
  /** New scrapes landed; open Monitor panels refresh. `firing`: deployments with an alert firing now. */
  'monitor/updated': { deploymentIds: string[]; firing: { deploymentId: string; messages: string[] }[] };
}
