/**
 * The deployments part of the backend contract, merged into `BackendRequests` /
 * `BackendNotifications` in ./backend.ts. Types only. Long operations (deploy, restart, redeploy,
 * rollback) take an `opId`: their progress lines arrive as `deployments/progress` and
 * `deployments/cancel` stops them (the target removes what it started).
 */
import type { DeploymentRecord, DeploymentStatus } from '../core/deploy/deployment';

export type { DeploymentRecord, DeploymentStatus };

export interface DeploymentRequests {
  /** Every deployment, newest first. */
  'deployments/list': { params: Record<string, never>; result: DeploymentRecord[] };
  /** The targets this workspace offers, and the one one-click Deploy uses (the last one used). */
  'deployments/targets': { params: Record<string, never>; result: { targets: string[]; defaultTarget: string } };
  /** Resolves with the final record: healthy, failed (with the reason) or stopped (cancelled). */
  'deployments/deploy': { params: { ref: string; target?: string; port?: number; opId?: string }; result: DeploymentRecord };
  'deployments/stop': { params: { id: string }; result: DeploymentRecord };
  'deployments/restart': { params: { id: string; opId?: string }; result: DeploymentRecord };
  /** Serves `version` of the same model under the same deployment; the old one becomes `previous_version`. */
  'deployments/redeploy': { params: { id: string; version: number; opId?: string }; result: DeploymentRecord };
  'deployments/rollback': { params: { id: string; opId?: string }; result: DeploymentRecord };
  'deployments/cancel': { params: { opId: string }; result: boolean };
  /** Starts sending the deployment's log as `deployments/logLines` under `streamId` (following until `deployments/logsStop`). */
  'deployments/logs': { params: { id: string; streamId: string; follow: boolean }; result: null };
  'deployments/logsStop': { params: { streamId: string }; result: boolean };
}

export interface DeploymentNotifications {
  /** Deployments changed (an operation, a health check, another process such as the CLI); the views re-list. */
  'deployments/changed': { deployments: DeploymentRecord[] };
  'deployments/progress': { opId: string; line: string };
  /** Log lines of a stream; `done` when it ended (not following, or the deployment's log is gone). */
  'deployments/logLines': { streamId: string; lines: string[]; done?: boolean };
}
