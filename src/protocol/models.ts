/**
 * The model-registry part of the backend contract (docs/registry-log.md), merged into
 * `BackendRequests` / `BackendNotifications` in ./backend.ts. Types only: no `vscode`, no natives.
 */
import type { ModelVersion, TensorSpec } from '../core/registry/model';
import type { CardRunInfo } from '../core/registry/card';

export type { ModelVersion, TensorSpec, CardRunInfo };

/** A model for the Models view: its live versions (newest first) and aliases. */
export interface ModelEntry {
  name: string;
  aliases: Record<string, number>;
  versions: ModelVersion[];
}

/** One version with the lineage around it: data snapshots → run → this version → deployments. */
export interface ModelVersionDetails {
  version: ModelVersion;
  run: CardRunInfo | null;
  /** Absolute path of the stored .onnx. */
  file: string;
}

export interface ModelProgress {
  phase: 'copy' | 'validate';
  bytes: number;
  total: number;
}

export interface ModelRequests {
  'models/list': { params: { includeDeleted?: boolean }; result: ModelEntry[] };
  /** `ref`: `name`, `name:version` or `name@alias`. */
  'models/details': { params: { ref: string }; result: ModelVersionDetails };
  /**
   * Validates (onnxruntime, on a worker thread) and registers a file, or a run's artifact when
   * `runId` + `artifact` are given. Progress arrives as `models/progress` with `opId`;
   * `models/cancel` stops it and nothing is registered. Creates `.mlwb/` if needed.
   */
  'models/register': {
    params: { name: string; file?: string; runId?: string; artifact?: string; alias?: string; opId?: string };
    result: { version: ModelVersion; duplicate: boolean };
  };
  'models/cancel': { params: { opId: string }; result: boolean };
  /** Points `alias` at `version` (moving it), or removes it with `remove`. */
  'models/alias': { params: { name: string; version: number; alias: string; remove?: boolean }; result: ModelVersion };
  'models/delete': { params: { name: string; version: number }; result: null };
  'models/restore': { params: { name: string; version: number }; result: null };
  'models/tags': { params: { name: string; version: number; set: Record<string, string>; remove?: string[] }; result: ModelVersion };
  'models/description': { params: { name: string; version: number; description: string }; result: ModelVersion };
  /** The version's model card file (generated on first use), to open in an editor. */
  'models/card': { params: { ref: string }; result: { path: string } };
}

export interface ModelNotifications {
  'models/progress': { opId: string; progress: ModelProgress };
  /** Models whose log changed (a register, an alias, from any process); [] means any may have. */
  'models/changed': { names: string[] };
}
