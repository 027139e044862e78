/**
 * The Try It part of the backend contract (merged into `BackendRequests` in ./backend.ts): a form
 * prefill from the model version's lineage, and temporary model servers the backend owns, so a
 * registered version can be tried without deploying it. Types only: no `vscode`, no natives.
 */
import type { JsonCell } from '../core/data/table';

/** What the form of one tabular input gets from the model's metadata or its training data. */
export interface InputSample {
  /** One name per column of the input's row. */
  featureNames?: string[];
  /** A row of the training snapshot, in featureNames order (absent when only names are known). */
  row?: JsonCell[];
}

export interface TryItSample {
  /** By input name; inputs nothing is known about are absent. */
  inputs: Record<string, InputSample>;
  /** Where names and row came from, shown in the panel (e.g. "iris.csv in snapshot 20261126-…"). */
  source?: string;
}

export interface TryItServer {
  serverUrl: string;
  model: string;
  version: string;
}

export interface TryItRequests {
  /** Feature names (ONNX metadata_props, else the training snapshot's columns) and a training row, for `ref`. */
  'tryIt/sample': { params: { ref: string }; result: TryItSample };
  /** Starts (or reuses) a loopback model server for `ref` (`name:version`); stopped by `tryIt/stop` or when the backend exits. */
  'tryIt/start': { params: { ref: string }; result: TryItServer };
  'tryIt/stop': { params: { serverUrl: string }; result: null };
}
