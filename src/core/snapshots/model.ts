/**
 * Shapes of data snapshots (see docs/snapshots.md). A manifest lists every file of a snapshot,
 * sorted by path; it is itself stored as a content-addressed object, so two snapshots with the
 * same files and stats share one manifest.
 */

export const MANIFEST_VERSION = 1;

export interface ManifestEntry {
  /** Relative to the snapshot root, `/`-separated; for a single-file snapshot, the file's name. */
  path: string;
  size: number;
  /** Modification time in nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
  mtime_ns: string;
  /** Inode number as a decimal string (can exceed 2^53 on some filesystems). */
  inode: string;
  /** SHA-256 of the content, lowercase hex; '' for a symlink to a directory (it has no content). */
  sha256: string;
  /** Permission bits (st_mode & 0o7777). */
  mode: number;
  /** For a symlink kept as a link (its target is inside the root): the link text. */
  link?: string;
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  /** 'file' when the snapshot root is one file, 'dir' for a folder. */
  kind: 'file' | 'dir';
  entries: ManifestEntry[];
}

/**
 * Something a snapshot could not capture as asked. `unreadable`, `changed` and `broken-link`
 * make the snapshot partial; `skipped` (FIFOs, sockets, devices) and `loop` (a symlink cycle,
 * not followed) are notes only, because there is no file content to lose.
 */
export type IssueKind = 'unreadable' | 'changed' | 'broken-link' | 'skipped' | 'loop';

export interface SnapshotIssue {
  path: string;
  kind: IssueKind;
  message: string;
}

export const PARTIAL_KINDS: ReadonlySet<IssueKind> = new Set(['unreadable', 'changed', 'broken-link']);

export interface Snapshot {
  /** 20 hex characters: 12 of the creation time in ms, 8 random but increasing within a ms (snapshotId.ts). */
  id: string;
  /** Workspace-relative path of the snapshotted file or folder (`/`-separated), or absolute outside it. */
  dataset: string;
  name: string | null;
  /** ISO 8601: when the scan started. */
  created_at: string;
  kind: 'file' | 'dir';
  file_count: number;
  total_bytes: number;
  /** SHA-256 of the manifest object. */
  manifest: string;
  /** SHA-256 over (path, content hash, link) of every entry: equal for equal content, whatever the stats. */
  content_hash: string;
  metadata_only: boolean;
  partial: boolean;
  errors: SnapshotIssue[];
}

export interface SnapshotProgress {
  phase: 'scan' | 'hash' | 'store';
  files_done: number;
  files_total: number;
  bytes_done: number;
  bytes_total: number;
}

export type ProgressCallback = (p: SnapshotProgress) => void;

/** The error a cancelled operation rejects with (`name` is 'AbortError', like fetch's). */
export function abortError(): Error {
  const e = new Error('The snapshot was cancelled.');
  e.name = 'AbortError';
  return e;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
