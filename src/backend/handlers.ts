import { MlwbError } from '../core/errors';
import type { Db } from '../core/store/database';
import { PROTOCOL_VERSION, type BackendNotifications, type NotificationMethod, type RequestHandlers } from '../protocol/backend';
import { CodeRequests } from './codeRequests';
import { compareRequests } from './compareRequests';
import { DataRequests } from './dataRequests';
import { DeployRequests } from './deployRequests';
import { ModelRequests } from './modelRequests';
import { MonitorRequests } from './monitorRequests';
import { MlflowRequests } from './mlflowRequests';
import type { BackendContext } from './requestGroup';
import { runRequests } from './runRequests';
import { TryItRequestGroup } from './tryItRequests';
import { WorkspaceService } from './workspaceService';

export interface BackendState {
  service: WorkspaceService | undefined;
  /** VS Code's workspace trust, as the extension last said; untrusted until it says otherwise. */
  trusted?: boolean;
  readonly startedAt: number;
  notify<M extends NotificationMethod>(method: M, params: BackendNotifications[M]): void;
  onShutdown(): void;
}

/**
 * The backend's request table, composed from request groups (src/backend/requestGroup.ts) plus
 * the lifecycle requests (initialize, shutdown); main.ts registers each entry with the connection.
 */
export function createHandlers(state: BackendState): RequestHandlers {
  const ctx: BackendContext = {
    service: () => {
      if (!state.service) throw new MlwbError('The backend is not initialized yet.', 'INVALID_ARGUMENT');
      return state.service;
    },
    requireStore: (id: string): Db => {
      const db = ctx.service().store();
      if (!db) throw new MlwbError(`No run with id ${id}.`, 'NOT_FOUND');
      return db;
    },
    notify: (method, params) => state.notify(method, params),
    requireTrust: (what: string) => {
      if (!state.trusted) {
        throw new MlwbError(
          `${what} needs a trusted workspace: in an untrusted workspace ML Workbench only reads runs. Trust the folder to enable it.`,
          'WORKSPACE_UNTRUSTED',
        );
      }
    },
  };
  const runs = runRequests(ctx);
  const compare = compareRequests(ctx);
  const code = new CodeRequests(ctx);
  const data = new DataRequests(ctx);
  const models = new ModelRequests(ctx);
  const deployments = new DeployRequests(ctx);
  const tryIt = new TryItRequestGroup(ctx);
  const monitorInterval = Number(process.env['MLWB_MONITOR_INTERVAL_MS']);
  const monitor = new MonitorRequests(ctx, { trusted: () => state.trusted === true, ...(monitorInterval > 0 ? { intervalMs: monitorInterval } : {}) });
  const mlflow = new MlflowRequests(ctx);
  const groups = [runs, compare, code, data, models, deployments, tryIt, monitor, mlflow];
  return {
    ...runs.handlers,
    ...compare.handlers,
    ...code.handlers,
    ...data.handlers,
    ...models.handlers,
    ...deployments.handlers,
    ...tryIt.handlers,
    ...monitor.handlers,
    ...mlflow.handlers,
    initialize: async (params) => {
      if (params.protocolVersion !== PROTOCOL_VERSION) {
        throw new MlwbError(
          `Protocol mismatch: extension speaks ${params.protocolVersion}, backend ${PROTOCOL_VERSION}. Reload the window.`,
          'INVALID_ARGUMENT',
        );
      }
      await state.service?.close();
      state.trusted = params.trusted === true;
      for (const g of groups) await g.reset?.(params.workspaceFolder);
      const svc: WorkspaceService = (state.service = new WorkspaceService(params.workspaceFolder, params.mlwbDir, {
        changed: (runIds) => state.notify('store/changed', { runIds }),
        issue: (i) => state.notify('log', { level: 'warn', message: `${i.file}:${i.line}: ${i.message}` }),
        warn: (message) => state.notify('warning', { message }),
        inputs: (runId, inputs) => data.linkInputs(svc, runId, inputs),
        trusted: () => state.trusted === true,
      }));
      // Open (and migrate) now, so a corrupt store is reported at start-up, not on first click.
      state.service.start();
      return {
        protocolVersion: PROTOCOL_VERSION,
        pid: process.pid,
        node: process.version,
        mlwbDir: state.service.paths.root,
        hasWorkspace: state.service.hasWorkspace(),
        startupMs: Math.round(Date.now() - state.startedAt),
      };
    },
    'workspace/trust': ({ trusted }) => {
      const granted = trusted && !state.trusted;
      state.trusted = trusted;
      // Inputs logged while untrusted were left unlinked: look at every log again.
      if (granted) state.service?.relinkInputs();
      return null;
    },
    shutdown: () => {
      state.onShutdown();
      return null;
    },
  };
}
