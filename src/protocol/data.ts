/**
 * The data-snapshot part of the backend contract (see docs/snapshots.md), merged into
 * `BackendRequests` / `BackendNotifications` in ./backend.ts. Types only: no `vscode`, no natives.
 */
import type { Snapshot, SnapshotProgress } from '../core/snapshots/model';
import type { SnapshotDiff } from '../core/snapshots/diff';
import type { RestoreResult } from '../core/snapshots/restore';
import type { CreateSnapshotResult } from '../core/snapshots/create';
import type { RunUsingSnapshot } from '../core/snapshots/lineage';
import type { TablePage, TableFormat } from '../core/data/table';
import type { TableProfile } from '../core/data/profile';
import type { TableDrift } from '../core/data/drift';

export type { Snapshot, SnapshotProgress, SnapshotDiff, RestoreResult, CreateSnapshotResult, RunUsingSnapshot, TablePage, TableProfile, TableDrift };

/** A dataset (snapshotted path) for the Data view's top level. */
export interface DatasetSummary {
  dataset: string;
  /** Absolute path on disk. */
  path: string;
  snapshots: number;
  latest: Snapshot;
  /** Modified since the latest snapshot (from file stats); null while not yet known. */
  modified: boolean | null;
  /** Counts behind `modified` (added, removed, and stats-changed files). */
  changes: { added: number; removed: number; changed: number } | null;
  /** False when the dataset's path no longer exists. */
  exists: boolean;
}

/** One snapshot in the Data view: what changed since the dataset's previous snapshot, and who used it. */
export interface SnapshotSummary {
  snapshot: Snapshot;
  /** Against the previous snapshot of the same dataset; null for the first one. */
  change: { added: number; removed: number; modified: number } | null;
  runs: RunUsingSnapshot[];
}

/**
 * A table or image folder to read: a file of a snapshot (`snapshot` + `path` relative to its root;
 * `path` '' or the file name for a single-file snapshot), or a workspace file (`path` relative to
 * the workspace folder, or absolute).
 */
export interface DataSource {
  snapshot?: string;
  path: string;
}

export interface TablePageResult extends TablePage {
  /** What messages call the table ("train.csv in snapshot …"). */
  name: string;
  format: TableFormat;
}

export interface GalleryItem {
  /** Relative to the gallery's folder. */
  path: string;
  size: number;
  /** Absolute file to show (a snapshot's image is its stored object). */
  file: string;
}

export interface GalleryPage {
  name: string;
  offset: number;
  total: number;
  items: GalleryItem[];
}

export interface DataRequests {
  /** Datasets with their newest snapshot and modified marker. Starts the data watcher. */
  'data/datasets': { params: Record<string, never>; result: DatasetSummary[] };
  /** A dataset's snapshots, newest first. */
  'data/snapshots': { params: { dataset: string }; result: SnapshotSummary[] };
  /** One snapshot with its files and the runs that used it. */
  'data/snapshot': { params: { id: string }; result: { snapshot: Snapshot; files: { path: string; size: number }[]; runs: RunUsingSnapshot[] } };
  /**
   * Takes a snapshot; progress arrives as `data/progress` with the same `opId`, and `data/cancel`
   * with it stops the work (the request then fails with "… was cancelled."). Creates `.mlwb/` if needed.
   */
  'data/create': { params: { path: string; name?: string; metadataOnly?: boolean; opId?: string }; result: CreateSnapshotResult };
  /** Cancels the long request started with `opId`; false when it already finished. */
  'data/cancel': { params: { opId: string }; result: boolean };
  'data/diff': { params: { a: string; b: string; opId?: string }; result: SnapshotDiff };
  /** Without `force`, local changes that would be overwritten come back as `conflicts` and nothing is written. */
  'data/restore': {
    params: { snapshot: string; to?: string; force?: boolean; opId?: string };
    result: { result: RestoreResult | null; conflicts: string[]; target: string };
  };
  'data/tablePage': { params: { source: DataSource; offset: number; limit: number }; result: TablePageResult };
  'data/profile': { params: { source: DataSource; opId?: string }; result: TableProfile };
  /** Drift of one table between two snapshots (A is the reference). */
  'data/drift': { params: { a: string; b: string; path: string; pathB?: string; opId?: string }; result: TableDrift };
  /** Images (png, jpg, gif, webp, bmp, svg) under a folder, paged, sorted by path. */
  'data/images': { params: { source: DataSource; offset: number; limit: number }; result: GalleryPage };
}

export interface DataNotifications {
  /** Progress of a long `data/*` request started with this `opId`. */
  'data/progress': { opId: string; progress: SnapshotProgress };
  /** Datasets whose snapshots or modified marker changed; [] means anything may have. */
  'data/changed': { datasets: string[] };
}

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.svg'];

export function isImagePath(p: string): boolean {
  const lower = p.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}
