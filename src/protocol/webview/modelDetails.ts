/**
 * The model details panel's message contract, imported by the webview and by the extension host
 * (src/extension/models/detailsPanel.ts). DOM-free and vscode-free.
 */
import type { ModelVersion } from '../../src/core/registry/model';
import { type NoPayload, type Validators, isNonEmptyString, isRecord, isString, noPayload, isFiniteNumber } from '../shared/messages';

export const MODEL_DETAILS_VIEW_TYPE = 'mlwb.modelDetails';

/** The run behind a version (restated from src/core/registry/card.ts, which reads files). */
export interface ModelRunInfo {
  id: string;
  name: string;
  experiment: string;
  params: Readonly<Record<string, string>>;
  metrics: Readonly<Record<string, number | string>>;
  inputs: readonly { dataset: string; snapshot: string | null }[];
}

export interface ModelDetailsData {
  version: ModelVersion;
  run: ModelRunInfo | null;
  file: string;
}

/** Which version a panel shows; kept in webview state for restore. */
export interface ModelDetailsInit {
  folderUri: string;
  name: string;
  version: number;
}

/** Host → webview. */
export type ToModelDetails = {
  details: { details: ModelDetailsData };
  error: { message: string };
};

/** Webview → host. */
export type FromModelDetails = {
  ready: NoPayload;
  refresh: NoPayload;
  setAlias: NoPayload;
  openCard: NoPayload;
  copyReference: NoPayload;
  openRun: NoPayload;
};

export const fromModelDetailsValidators: Validators<FromModelDetails> = {
  ready: noPayload,
  refresh: noPayload,
  setAlias: noPayload,
  openCard: noPayload,
  copyReference: noPayload,
  openRun: noPayload,
};

export const toModelDetailsValidators: Validators<ToModelDetails> = {
  details: (m) => isRecord(m['details']) && isRecord(m['details']['version']) && isString(m['details']['file']),
  error: (m) => isString(m['message']),
};

export interface ModelDetailsState {
  init: ModelDetailsInit;
}

export function isModelDetailsInit(v: unknown): v is ModelDetailsInit {
  return isRecord(v) && isNonEmptyString(v['folderUri']) && isNonEmptyString(v['name']) && isFiniteNumber(v['version']);
}

export function isModelDetailsState(v: unknown): v is ModelDetailsState {
  return isRecord(v) && isModelDetailsInit(v['init']);
}
