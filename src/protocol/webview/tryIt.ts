/**
 * The Try It panel's message contract, imported by the webview and by the extension host
 * (src/extension/deployments/tryIt/). DOM-free and vscode-free. The host does every HTTP request to the
 * model server (the webview's CSP allows no network); the webview builds tensors from its form.
 */
import { type NoPayload, type Validators, isArrayOf, isFiniteNumber, isNonEmptyString, isRecord, isString, noPayload } from '../../shared/messages';

export const TRY_IT_VIEW_TYPE = 'mlwb.tryIt';

/** What a panel talks to; put in the page by the host and kept in webview state for restore. */
export interface TryItInit {
  serverUrl: string;
  model: string;
  /** Absent: the server's latest version. */
  version?: string;
  /**
   * Set when the extension started this server for a registered version (Try It in the Models
   * view): such a server ends with its backend, so a panel restored after a window reload starts a
   * new one for `model:version` in this workspace folder (a path; absent = the first folder).
   */
  temporary?: { workspaceFolder?: string };
}

export interface TensorSpec {
  name: string;
  datatype: string;
  /** -1 = dynamic axis. */
  shape: number[];
}

/** The server's model metadata (GET /v2/models/{name}[/versions/{v}]), as the panel uses it. */
export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** The server's `parameters` (`version` is the version it answers with). */
  parameters?: { version?: string; max_batch_size?: number };
  /** Column names for a tabular input, when the model or its training data gives them. */
  featureNames?: Record<string, string[]>;
  /** A row of the training data snapshot per tabular input, to start the form with. */
  prefill?: Record<string, unknown[]>;
  /** Where featureNames / prefill came from, shown under the form. */
  prefillSource?: string;
}

/** One input of a request, as the form built it. */
export interface TensorInput {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

export interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

export interface TryItResult {
  status: number;
  /** Round trip measured by the host, request sent to answer read. */
  latencyMs: number;
  outputs?: OutputTensor[];
  error?: string;
  /** The same request as a shell command. */
  curl: string;
}

/** Host → webview. */
export type ToTryIt = {
  metadata: { metadata: ModelMetadata };
  result: { result: TryItResult };
  /** The server could not be reached or refused the metadata request. */
  error: { message: string };
};

/** Webview → host. */
export type FromTryIt = {
  ready: NoPayload;
  infer: { inputs: TensorInput[] };
  copy: { text: string };
};

const isShape = (v: unknown): v is number[] => isArrayOf(v, (d): d is number => isFiniteNumber(d) && Number.isInteger(d) && d >= -1);
const isTensorLike = (v: unknown): boolean => isRecord(v) && isNonEmptyString(v['name']) && isNonEmptyString(v['datatype']) && isShape(v['shape']);

export const fromTryItValidators: Validators<FromTryIt> = {
  ready: noPayload,
  infer: (m) => isArrayOf(m['inputs'], (t): t is TensorInput => isTensorLike(t) && Array.isArray((t as Record<string, unknown>)['data'])),
  copy: (m) => isString(m['text']),
};

export const toTryItValidators: Validators<ToTryIt> = {
  metadata: (m) =>
    isRecord(m['metadata']) && isArrayOf(m['metadata']['inputs'], (t): t is TensorSpec => isTensorLike(t)) && Array.isArray(m['metadata']['outputs']),
  result: (m) => isRecord(m['result']) && isFiniteNumber(m['result']['status']) && isFiniteNumber(m['result']['latencyMs']) && isString(m['result']['curl']),
  error: (m) => isString(m['message']),
};

export interface TryItState {
  init: TryItInit;
  /** Form text by input name (field values or the JSON editor's text), restored with the panel. */
  drafts: Record<string, string[]>;
  last?: TryItResult;
}

export function isTryItInit(v: unknown): v is TryItInit {
  return (
    isRecord(v) &&
    isNonEmptyString(v['serverUrl']) &&
    /^https?:\/\//.test(v['serverUrl']) &&
    isNonEmptyString(v['model']) &&
    (v['version'] === undefined || isNonEmptyString(v['version'])) &&
    (v['temporary'] === undefined ||
      (isRecord(v['temporary']) && (v['temporary']['workspaceFolder'] === undefined || isString(v['temporary']['workspaceFolder']))))
  );
}

export function isTryItState(v: unknown): v is TryItState {
  return isRecord(v) && isTryItInit(v['init']) && isRecord(v['drafts']);
}
