/**
 * The model details panel's message contract, imported by the webview (webview/modelDetails/)
 * and by the extension host (src/extension/models/details/). DOM-free and vscode-free.
 */
import type { CardRunInfo, ModelVersionDetails } from '../models';
import { type NoPayload, type Validators, isFiniteNumber, isNonEmptyString, isRecord, isString, noPayload } from '../../shared/messages';

export const MODEL_DETAILS_VIEW_TYPE = 'mlwb.modelDetails';

/** The backend's own shapes (src/protocol/models.ts), as types: nothing of core is bundled. */
export type ModelDetailsData = ModelVersionDetails;
export type ModelRunInfo = CardRunInfo;

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
