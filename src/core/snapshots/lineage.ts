import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import type { WorkspacePaths } from '../workspace';
import { type CreateSnapshotOptions, createSnapshot } from './create';
import { datasetName, datasetPath, isInsideWorkspace, isRacy, workspaceRoot } from './dataset';
import { hashFileSync } from './hashFile';
import type { Snapshot } from './model';
import { ancestorDatasets, findSnapshotWithFile, getSnapshot, indexedFile, latestSnapshot } from './store';
import { tmpDir } from './objects';
import { appendLineageRecord } from './rebuild';

export interface LinkResult {
  snapshot: Snapshot;
  /** Workspace-relative path recorded for the input. */
  path: string;
  /** True when a new snapshot had to be taken. */
  created: boolean;
}

export type LinkOptions = Pick<CreateSnapshotOptions, 'metadataOnly' | 'hasher' | 'signal' | 'onProgress'> & {
  /** Inputs larger than this are recorded by hash only (metadata-only), not copied. */
  copyLimitBytes?: number;
  /**
   * When the run read the input (its log event's time). A snapshot taken for the link carries
   * this time, so lineage reads "data as of when the run read it", even when the link is made
   * later (the backend catching up, trust granted after the run).
   */
  readAtMs?: number;
};

/**
 * The snapshot size policy for inputs a run log names: content is copied into objects/ up to
 * 512 MiB (or `MLWB_INPUT_COPY_LIMIT` bytes); a larger input is recorded by hash only, like
 * `mlwb snapshot create --metadata-only`. An explicit snapshot by the user has no limit.
 */
export const DEFAULT_INPUT_COPY_LIMIT = 512 * 1024 * 1024;

function copyLimit(options: LinkOptions): number {
  if (options.copyLimitBytes !== undefined) return options.copyLimitBytes;
  const env = Number(process.env['MLWB_INPUT_COPY_LIMIT']);
  return Number.isFinite(env) && env >= 0 ? env : DEFAULT_INPUT_COPY_LIMIT;
}

/** Total size of a file or folder (symbolic links not followed), stopping once past `limit`. */
function sizeUpTo(abs: string, limit: number): number {
  let total = 0;
  const stack = [abs];
  while (stack.length && total <= limit) {
    const p = stack.pop()!;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isFile()) total += st.size;
    else if (st.isDirectory()) {
      try {
        for (const name of fs.readdirSync(p)) stack.push(path.join(p, name));
      } catch {
        // unreadable: the snapshot reports it
      }
    }
  }
  return total;
}

/**
 * Links a run to the snapshot holding the current content of `inputPath` (a run's
 * `{"type":"input"}` event). In order: a snapshot of that very path with equal content; for a
 * file, a snapshot of an enclosing dataset that has this file with this content; else a new
 * snapshot of the path. Unchanged files are not re-read (the incremental rule applies).
 */
export async function linkRunInput(db: Db, paths: WorkspacePaths, runId: string, inputPath: string, options: LinkOptions = {}): Promise<LinkResult> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(inputPath)) {
    throw new MlwbError(`Run ${runId} read ${inputPath}, which is not a local path; it is recorded in the run's log but not snapshotted.`, 'INVALID_ARGUMENT');
  }
  const abs = path.resolve(workspaceRoot(paths), inputPath);
  // A log is data, not a command: it must not make ML Workbench read or copy anything outside
  // the workspace folder (a log line naming / or ~ would otherwise copy it into objects/).
  if (!isInsideWorkspace(paths, abs)) {
    throw new MlwbError(
      `Run ${runId} read ${abs}, which is outside the workspace folder ${workspaceRoot(paths)}; it is not snapshotted. ` +
        'Snapshot it yourself with `mlwb snapshot create` if you want the run linked to it.',
      'INVALID_ARGUMENT',
    );
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new MlwbError(`Run ${runId} read ${abs}, which does not exist now; it cannot be linked to a snapshot.`, 'NOT_FOUND');
  }
  const dataset = datasetName(paths, abs);
  let snapshot: Snapshot | undefined;
  let created = false;
  if (st.isFile() && !latestSnapshot(db, dataset)) snapshot = findInAncestor(db, paths, abs, dataset);
  if (!snapshot) {
    const limit = copyLimit(options);
    const metadataOnly = options.metadataOnly || sizeUpTo(abs, limit) > limit;
    const readAt = options.readAtMs;
    const at = readAt !== undefined && Number.isFinite(readAt) && readAt <= Date.now() ? () => readAt : undefined;
    const r = await createSnapshot(db, paths, abs, { ...options, metadataOnly, reuseIfUnchanged: true, ...(at ? { now: at } : {}) });
    snapshot = r.snapshot;
    created = !r.reused;
  }
  const linkedAt = Date.now();
  const added = db
    .prepare('INSERT OR IGNORE INTO run_inputs (run_id, snapshot_id, path, linked_at) VALUES (?, ?, ?, ?)')
    .run(runId, snapshot.id, dataset, linkedAt);
  if (added.changes > 0) appendLineageRecord(paths, { run_id: runId, snapshot_id: snapshot.id, path: dataset, linked_at: linkedAt });
  return { snapshot, path: dataset, created };
}

/** A snapshot of an enclosing folder whose copy of this file has the file's current content. */
function findInAncestor(db: Db, paths: WorkspacePaths, abs: string, dataset: string): Snapshot | undefined {
  let sha: string | undefined;
  for (const ancestor of ancestorDatasets(db, dataset)) {
    const rel = path.relative(datasetPath(paths, ancestor), abs).split(path.sep).join('/');
    const latest = latestSnapshot(db, ancestor);
    if (latest) {
      // Same stats as when the ancestor was snapshotted: its hash still holds, no need to read.
      const entry = indexedFile(db, latest.manifest, rel);
      const now = fs.statSync(abs, { bigint: true });
      if (
        entry &&
        entry.size === Number(now.size) &&
        entry.mtime_ns === now.mtimeNs.toString() &&
        entry.inode === now.ino.toString() &&
        !isRacy(entry.mtime_ns, Date.parse(latest.created_at))
      ) {
        return latest;
      }
    }
    sha ??= hashNow(paths, abs);
    if (!sha) return undefined;
    const match = findSnapshotWithFile(db, ancestor, rel, sha);
    if (match) return match;
  }
  return undefined;
}

function hashNow(paths: WorkspacePaths, abs: string): string | undefined {
  const r = hashFileSync(
    fs,
    crypto,
    { file: abs, objectsDir: null, tmp: '', tmpDir: tmpDir(paths.objectsDir), bufSize: 1 << 20, reportEvery: 0 },
    () => undefined,
  );
  return r.ok ? r.sha256 : undefined;
}

export interface RunUsingSnapshot {
  run_id: string;
  /** From the runs table when the run is known there. */
  run_name: string | null;
  status: string | null;
  path: string;
  linked_at: string;
}

export function listRunsUsingSnapshot(db: Db, snapshotId: string): RunUsingSnapshot[] {
  const rows = db
    .prepare(
      `SELECT i.run_id, r.name AS run_name, r.status, i.path, i.linked_at
         FROM run_inputs i LEFT JOIN runs r ON r.id = i.run_id
        WHERE i.snapshot_id = ? ORDER BY i.linked_at DESC, i.run_id`,
    )
    .all(snapshotId) as (Omit<RunUsingSnapshot, 'linked_at'> & { linked_at: number })[];
  return rows.map((r) => ({ ...r, linked_at: new Date(r.linked_at).toISOString() }));
}

export interface RunInput {
  path: string;
  snapshot: Snapshot;
  linked_at: string;
}

export function listInputsOfRun(db: Db, runId: string): RunInput[] {
  const rows = db.prepare('SELECT snapshot_id, path, linked_at FROM run_inputs WHERE run_id = ? ORDER BY path, linked_at').all(runId) as {
    snapshot_id: string;
    path: string;
    linked_at: number;
  }[];
  return rows.flatMap((r) => {
    const snapshot = getSnapshot(db, r.snapshot_id);
    return snapshot ? [{ path: r.path, snapshot, linked_at: new Date(r.linked_at).toISOString() }] : [];
  });
}
