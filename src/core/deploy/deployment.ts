/**
 * A deployment: one model version served by one target. This record is the contract between the
 * deploy work (writes it), the Deployments view and `mlwb deployments --json` (show it) and the
 * monitoring work (reads `url` for /metrics and `request_log_dir` for sampled inputs).
 * One JSON file per deployment under `.mlwb/deployments/` (see store.ts).
 */
export type DeploymentStatus = 'starting' | 'healthy' | 'unhealthy' | 'stopped' | 'failed';

export interface DeploymentRecord {
  /** Stable id, unique in the workspace, safe as a file name (e.g. `iris-3-k4f9`). */
  readonly id: string;
  readonly model: string;
  readonly version: number;
  /** `local`, `container`, `kubernetes`, or the name of a custom target in mlwb.yaml. */
  readonly target: string;
  readonly status: DeploymentStatus;
  /** Why it is failed, stopped or unhealthy, in words a user can act on. */
  readonly reason?: string;
  /** Base URL of the Open Inference Protocol server (`http://127.0.0.1:8081`); null until known. */
  readonly url: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** The version this deployment served before a redeploy, for Roll Back. */
  readonly previous_version?: number;
  /** Absolute folder of the server's sampled request log (docs/server.md), when the target keeps one on this machine. */
  readonly request_log_dir?: string;
  /** Target-specific handle: a pid, a container id, Kubernetes object names. Only its target reads it. */
  readonly handle?: Readonly<Record<string, unknown>>;
}

/** The JSON shape of `mlwb deployments --json` and `mlwb deploy --json` (BRIEF contract). */
export function deploymentJson(d: DeploymentRecord): Record<string, unknown> {
  return {
    id: d.id,
    model: d.model,
    version: d.version,
    target: d.target,
    status: d.status,
    reason: d.reason ?? null,
    url: d.url,
    created_at: d.created_at,
    updated_at: d.updated_at,
    previous_version: d.previous_version ?? null,
  };
}
