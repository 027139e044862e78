/**
 * The typed JSON-RPC contract between the extension host and the backend process.
 * Both sides import only this file's types, so a changed shape fails to compile on both.
 * No `vscode` and no native modules here: the file is shared by both processes.
 */
import type { Experiment, MetricPoint, Run } from '../shared/runModel';
import type { RunDetails } from '../core/runs/details';
import type { RunEdit } from '../core/runs/edits';
import type { CellRun } from '../core/code/cellMatch';
import type { EntryPoint } from '../core/code/entryPoints';
import type { CodeDocument, CodeView } from '../core/code/runCode';
import type { RunsTable, RunsTableQuery, SampledSeries, SeriesQuery } from '../core/query';
import type { DataRequests, DataNotifications } from './data';
import type { ErrorCode } from '../shared/errors';
import type { ModelRequests, ModelNotifications } from './models';
import type { DeploymentRequests, DeploymentNotifications } from './deployments';
import type { TryItRequests } from './tryIt';
import type { MonitorRequests, MonitorNotifications } from './monitor';
import type { MlflowRequests, MlflowNotifications } from './mlflow';

export type { RunDetails, RunEdit, CellRun, EntryPoint, CodeDocument, CodeView };

export const PROTOCOL_VERSION = 1;

export interface InitializeParams {
  /** Absolute path of the workspace folder this backend serves. */
  workspaceFolder: string;
  /** Explicit `.mlwb/` folder (the `mlwb.workspaceDir` setting or MLWB_DIR); else `<folder>/.mlwb`. */
  mlwbDir?: string;
  protocolVersion: number;
  /**
   * Whether VS Code trusts the workspace. Absent means untrusted: the backend then only reads (no
   * snapshots of paths a run log names, no snapshot creation or restore, no run edits).
   */
  trusted?: boolean;
}

export interface InitializeResult {
  protocolVersion: number;
  pid: number;
  node: string;
  mlwbDir: string;
  /** Whether `.mlwb/` exists yet; views show their welcome state until it does. */
  hasWorkspace: boolean;
  /** Milliseconds from process start until the backend answered initialize. */
  startupMs: number;
}

/** Every request the extension may send, by method name. */
export interface BackendRequests extends DataRequests, ModelRequests, DeploymentRequests, TryItRequests, MonitorRequests, MlflowRequests {
  initialize: { params: InitializeParams; result: InitializeResult };
  'experiments/list': { params: Record<string, never>; result: Experiment[] };
  'runs/list': { params: { experiment?: string; includeDeleted?: boolean; limit?: number }; result: Run[] };
  'runs/get': { params: { id: string }; result: Run };
  'runs/metric': { params: { id: string; key: string }; result: MetricPoint[] };
  'runs/details': { params: { id: string }; result: RunDetails };
  /** Rename, tag, delete or restore a run; recorded in its event log so a rebuild keeps it. */
  'runs/edit': { params: { id: string; edit: RunEdit }; result: Run };
  /**
   * The workspace's training entry points (docs/notebooks.md). The first call starts the watcher;
   * `excludes` (`files.exclude` + `files.watcherExclude` patterns) restart it when they change.
   */
  'entryPoints/list': { params: { excludes?: string[] }; result: EntryPoint[] };
  /** A run's code version as a document (`source`: readable, notebooks as percent scripts; `raw`: as stored). */
  'code/get': { params: { id: string; view?: CodeView }; result: CodeDocument };
  /** Two runs' code and a unified diff of it (`unified` is '' when equal). */
  'code/diff': { params: { a: string; b: string; view?: CodeView }; result: { a: CodeDocument; b: CodeDocument; unified: string } };
  /** Runs produced by the cells of the notebook at `path`, newest first, for cell status items. */
  'notebooks/cellRuns': { params: { path: string }; result: CellRun[] };
  /** A page of the comparison table (docs/query-language.md); a bad filter answers `filterError`. */
  'runs/table': { params: RunsTableParams; result: RunsTableResult };
  /** Downsampled metric series for the comparison charts (min/max per bucket keeps spikes). */
  'runs/series': { params: SeriesQuery; result: { series: SampledSeries[] } };
  shutdown: { params: Record<string, never>; result: null };
  /** The user granted workspace trust after the backend started (trust is never revoked in a session). */
  'workspace/trust': { params: { trusted: boolean }; result: null };
}

/** `runsTable`'s query with string filters and order-by only (parsed expressions do not cross JSON). */
export type RunsTableParams = Omit<RunsTableQuery, 'filter' | 'orderBy'> & { filter?: string; orderBy?: string[] };
export type RunsTableResult =
  | { table: RunsTable; filterError?: undefined }
  | { table?: undefined; filterError: { message: string; reason: string; column: number; offset: number; length: number } };

/** Every notification the backend sends to the extension, by method name. */
export interface BackendNotifications extends DataNotifications, ModelNotifications, DeploymentNotifications, MonitorNotifications, MlflowNotifications {
  /** Something in the store changed; views refresh what they show. */
  'store/changed': { runIds: string[] };
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string };
  /** A warning the user should see (e.g. the file watcher fell back to polling). */
  warning: { message: string };
  /** The list answered by `entryPoints/list` changed. */
  'entryPoints/changed': Record<string, never>;
}

export type RequestMethod = keyof BackendRequests;
export type NotificationMethod = keyof BackendNotifications;
export type RequestParams<M extends RequestMethod> = BackendRequests[M]['params'];
export type RequestResult<M extends RequestMethod> = BackendRequests[M]['result'];

/** The backend's handler table: one function per request method, checked for completeness. */
export type RequestHandlers = {
  [M in RequestMethod]: (params: RequestParams<M>) => RequestResult<M> | Promise<RequestResult<M>>;
};

/** The JSON-RPC error `data` the backend attaches, so the extension can tell user errors apart. */
export interface BackendErrorData {
  code: ErrorCode;
}
