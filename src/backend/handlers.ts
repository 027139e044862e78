import { MlwbError } from '../core/errors';
import { getMetricPoints, getRun, listExperiments, listRuns } from '../core/runs/queries';
import { getRunDetails } from '../core/runs/details';
import { appendRunEdit } from '../core/runs/edits';
import type { Db } from '../core/store/database';
import { PROTOCOL_VERSION, type BackendNotifications, type NotificationMethod, type RequestHandlers } from '../protocol/backend';
import { WorkspaceService } from './workspaceService';
import { CodeRequests } from './codeRequests';
import { compareRequests } from './compareRequests';
import { DataRequests } from './dataRequests';
import { ModelRequests } from './modelRequests';

export interface BackendState {
  service: WorkspaceService | undefined;
  readonly startedAt: number;
  notify<M extends NotificationMethod>(method: M, params: BackendNotifications[M]): void;
  onShutdown(): void;
}

/** The backend's request table; main.ts registers each entry with the connection. */
export function createHandlers(state: BackendState): RequestHandlers {
  const service = (): WorkspaceService => {
    if (!state.service) throw new MlwbError('The backend is not initialized yet.', 'INVALID_ARGUMENT');
    return state.service;
  };
  const requireStore = (id: string): Db => {
    const db = service().store();
    if (!db) throw new MlwbError(`No run with id ${id}.`, 'NOT_FOUND');
    return db;
  };
  const code = new CodeRequests(state);
  const data = new DataRequests(state);
  const models = new ModelRequests(state);
  return {
    ...code.handlers(service, requireStore),
    ...compareRequests(service),
    ...data.handlers(service),
    ...models.handlers(service),
    initialize: async (params) => {
      if (params.protocolVersion !== PROTOCOL_VERSION) {
        throw new MlwbError(
          `Protocol mismatch: extension speaks ${params.protocolVersion}, backend ${PROTOCOL_VERSION}. Reload the window.`,
          'INVALID_ARGUMENT',
        );
      }
      await state.service?.close();
      await code.reset(params.workspaceFolder);
      await data.reset(params.workspaceFolder);
      models.reset();
      const svc: WorkspaceService = (state.service = new WorkspaceService(params.workspaceFolder, params.mlwbDir, {
        changed: (runIds) => state.notify('store/changed', { runIds }),
        issue: (i) => state.notify('log', { level: 'warn', message: `${i.file}:${i.line}: ${i.message}` }),
        warn: (message) => state.notify('warning', { message }),
        inputs: (runId, paths) => data.linkInputs(svc, runId, paths),
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
    'experiments/list': () => {
      const db = service().store();
      return db ? listExperiments(db) : [];
    },
    'runs/list': (params) => {
      const db = service().store();
      return db ? listRuns(db, params) : [];
    },
    'runs/get': ({ id }) => getRun(requireStore(id), id),
    'runs/metric': ({ id, key }) => getMetricPoints(requireStore(id), id, key),
    'runs/details': ({ id }) => getRunDetails(requireStore(id), service().paths.runsDir, id),
    'runs/edit': async ({ id, edit }) => {
      const db = requireStore(id);
      appendRunEdit(service().paths.runsDir, id, edit);
      await service().refreshRun(id);
      return getRun(db, id);
    },
    shutdown: () => {
      state.onShutdown();
      return null;
    },
  };
}
