/**
 * The Monitor panel's message contract, imported by the webview (webview/monitor/) and the host
 * (src/extension/monitor/). DOM-free and vscode-free. The host asks the backend for reports (every
 * scrape while the panel is visible) and runs the actions (reference pick, retrain) the page asks for.
 */
import type { MonitorReport, Thresholds, WindowName } from '../monitor';
import { type NoPayload, type Validators, isFiniteNumber, isNonEmptyString, isRecord, isString, noPayload } from '../../shared/messages';

export type { MonitorReport, Thresholds, WindowName };

export const MONITOR_VIEW_TYPE = 'mlwb.monitor';
export const MONITOR_WINDOWS: readonly WindowName[] = ['5m', '1h', '24h'];

export interface MonitorInit {
  folderUri: string;
  deploymentId: string;
}

/** Host → webview. */
export type ToMonitor = {
  report: { report: MonitorReport };
  /** The deployment or backend could not answer; shown in the page. */
  error: { message: string };
  /** After an action (thresholds saved, reference picked, retrain started): one line for the user. */
  notice: { message: string };
};

/** Webview → host. */
export type FromMonitor = {
  ready: NoPayload;
  setWindow: { window: WindowName };
  setThresholds: { thresholds: Thresholds };
  /** Opens a picker of snapshots (host side) and stores the choice. */
  pickReference: NoPayload;
  /** Goes back to the snapshot lineage links. */
  useLineage: NoPayload;
  retrain: NoPayload;
};

const isWindow = (v: unknown): v is WindowName => isString(v) && (MONITOR_WINDOWS as readonly string[]).includes(v);
const isThresholds = (v: unknown): v is Thresholds =>
  isRecord(v) && Object.entries(v).every(([k, x]) => ['p99_ms', 'error_rate', 'drift_score'].includes(k) && (x === undefined || isFiniteNumber(x)));

export const fromMonitorValidators: Validators<FromMonitor> = {
  ready: noPayload,
  setWindow: (m) => isWindow(m['window']),
  setThresholds: (m) => isThresholds(m['thresholds']),
  pickReference: noPayload,
  useLineage: noPayload,
  retrain: noPayload,
};

export const toMonitorValidators: Validators<ToMonitor> = {
  report: (m) => isRecord(m['report']) && isRecord(m['report']['stats']) && Array.isArray(m['report']['series']),
  error: (m) => isString(m['message']),
  notice: (m) => isString(m['message']),
};

export interface MonitorState {
  init: MonitorInit;
  window: WindowName;
}

export function isMonitorInit(v: unknown): v is MonitorInit {
  return isRecord(v) && isNonEmptyString(v['folderUri']) && isNonEmptyString(v['deploymentId']);
}

export function isMonitorState(v: unknown): v is MonitorState {
  return isRecord(v) && isMonitorInit(v['init']) && isWindow(v['window']);
}
