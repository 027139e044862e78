/**
 * The run details panel's message contract, imported by the webview and by the extension host
 * (src/extension/runs/details). DOM-free and vscode-free.
 */
import type { MetricPoint } from '../../shared/runModel';
import type { NonFiniteCounts } from '../../shared/series';
import { type NoPayload, type Validators, isArrayOf, isBoolean, isFiniteNumber, isNonEmptyString, isRecord, isString, noPayload } from '../../shared/messages';

import type { RunDetails } from '../../core/runs/details';

export const RUN_DETAILS_VIEW_TYPE = 'mlwb.runDetails';

/** What the panel shows: the backend's own `RunDetails` (a type import; nothing of core is bundled). */
export type RunDetailsData = RunDetails;

/** Which run a panel shows; put in the page by the host and kept in webview state for restore. */
export interface RunDetailsInit {
  folderUri: string;
  runId: string;
}

/** Host → webview. */
export type ToRunDetails = {
  details: { details: RunDetailsData; /** Webview URI of the run's artifacts folder, for image previews. */ artifactsBaseUri: string | null };
  /**
   * A metric's points, downsampled when `total` exceeds what was sent; `nonFinite` counts the
   * full series, since downsampling keeps only some NaN/∞ points.
   */
  metric: { key: string; points: MetricPoint[]; total: number; nonFinite: NonFiniteCounts };
  /** The run could not be loaded (deleted, backend down); shown in place of stale data. */
  error: { message: string };
};

/** Webview → host. The webview names things by run-relative identifiers, never by file path. */
export type FromRunDetails = {
  /** The page loaded (or reloaded after being hidden): send everything. */
  ready: NoPayload;
  refresh: NoPayload;
  openSource: NoPayload;
  /** `path` must be one of the run's listed artifacts. */
  openArtifact: { path: string };
  /** Register an `.onnx` artifact in the model registry; `path` must be one of the run's artifacts. */
  registerModel: { path: string };
  openOutput: NoPayload;
  showDiff: NoPayload;
};

export const fromRunDetailsValidators: Validators<FromRunDetails> = {
  ready: noPayload,
  refresh: noPayload,
  openSource: noPayload,
  openArtifact: (m) => isNonEmptyString(m['path']),
  registerModel: (m) => isNonEmptyString(m['path']) && m['path'].toLowerCase().endsWith('.onnx'),
  openOutput: noPayload,
  showDiff: noPayload,
};

export const toRunDetailsValidators: Validators<ToRunDetails> = {
  details: (m) => isRecord(m['details']) && isRecord(m['details']['run']) && (m['artifactsBaseUri'] === null || isString(m['artifactsBaseUri'])),
  metric: (m) =>
    isNonEmptyString(m['key']) &&
    isArrayOf(m['points'], isRecord) &&
    isFiniteNumber(m['total']) &&
    isRecord(m['nonFinite']) &&
    ['nan', 'posInf', 'negInf'].every((k) => isFiniteNumber((m['nonFinite'] as Record<string, unknown>)[k])),
  error: (m) => isString(m['message']),
};

/** UI state the webview keeps across reloads and restarts (`setState`). */
export interface RunDetailsState {
  init: RunDetailsInit;
  /** Section id → open. */
  open: Record<string, boolean>;
  packageFilter: string;
}

export function isRunDetailsInit(v: unknown): v is RunDetailsInit {
  return isRecord(v) && isNonEmptyString(v['folderUri']) && isNonEmptyString(v['runId']);
}

export function isRunDetailsState(v: unknown): v is RunDetailsState {
  return isRecord(v) && isRunDetailsInit(v['init']) && isRecord(v['open']) && Object.values(v['open']).every(isBoolean) && isString(v['packageFilter']);
}
