import { MlwbError } from '../core/errors';
import { getMetricPoints, getRun, listExperiments, listRuns } from '../core/runs/queries';
import { PROTOCOL_VERSION, type RequestHandlers } from '../protocol/backend';
import { WorkspaceService } from './workspaceService';

export interface BackendState {
  service: WorkspaceService | undefined;
  readonly startedAt: number;
  onShutdown(): void;
}

/** The backend's request table; main.ts registers each entry with the connection. */
export function createHandlers(state: BackendState): RequestHandlers {
  const service = (): WorkspaceService => {
    if (!state.service) throw new MlwbError('The backend is not initialized yet.', 'INVALID_ARGUMENT');
    return state.service;
  };
  return {
    initialize: (params) => {
      if (params.protocolVersion !== PROTOCOL_VERSION) {
        throw new MlwbError(
          `Protocol mismatch: extension speaks ${params.protocolVersion}, backend ${PROTOCOL_VERSION}. Reload the window.`,
          'INVALID_ARGUMENT',
        );
      }
      state.service?.close();
      state.service = new WorkspaceService(params.workspaceFolder, params.mlwbDir);
      // Open (and migrate) now, so a corrupt store is reported at start-up, not on first click.
      state.service.store();
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
    'runs/get': ({ id }) => {
      const db = service().store();
      if (!db) throw new MlwbError(`No run with id ${id}.`, 'NOT_FOUND');
      return getRun(db, id);
    },
    'runs/metric': ({ id, key }) => {
      const db = service().store();
      if (!db) throw new MlwbError(`No run with id ${id}.`, 'NOT_FOUND');
      return getMetricPoints(db, id, key);
    },
    shutdown: () => {
      state.onShutdown();
      return null;
    },
  };
}
