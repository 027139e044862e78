/**
 * What every deploy target implements (local process, container, Kubernetes, custom command).
 * The deployment manager owns the records and statuses; a target only starts, stops and reads logs.
 */
import type { ResolvedModel } from '../registry/registry';
import type { DeploymentRecord } from './deployment';

export interface TargetContext {
  readonly mlwbRoot: string;
  readonly workspaceRoot: string;
  /** Progress and tool output, line by line (shown in the progress notification / CLI stderr). */
  log(line: string): void;
  readonly signal?: AbortSignal;
}

export interface DeployRequest {
  readonly id: string;
  readonly model: ResolvedModel;
  /** Host port to expose on loopback; the target picks a free one when absent. */
  readonly port?: number;
  /** Target options from the Deploy… prompt, the CLI or mlwb.yaml. */
  readonly options: Readonly<Record<string, string>>;
}

export interface StartedDeployment {
  readonly url: string;
  readonly handle: Readonly<Record<string, unknown>>;
  readonly requestLogDir?: string;
}

export interface DeployTarget {
  readonly kind: string;
  /**
   * Starts serving and resolves once `/v2/health/ready` answers. On failure it throws an MlwbError
   * whose message is the reason to show, after removing whatever it started (nothing left running).
   */
  deploy(req: DeployRequest, ctx: TargetContext): Promise<StartedDeployment>;
  stop(rec: DeploymentRecord, ctx: TargetContext): Promise<void>;
  /** Log lines so far, then new ones while `follow` until the signal aborts. */
  logs(rec: DeploymentRecord, ctx: TargetContext, follow: boolean): AsyncIterable<string>;
  /**
   * Optional: whether what serves `rec` still exists (a process, a container). Health checks mark a
   * deployment whose server is gone `stopped` (with the reason) instead of merely unhealthy.
   */
  alive?(rec: DeploymentRecord, ctx: TargetContext): boolean | Promise<boolean>;
}
