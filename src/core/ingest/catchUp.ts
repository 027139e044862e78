import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { EVENT_FORMAT_VERSION } from './events';
import { ingestWorkspace, type WorkspaceIngestResult } from './workspaceIngest';

/**
 * The cheap catch-up read commands do before they answer (issue 13, item 5: `runs list` cost
 * O(runs) even when nothing changed).
 *
 * What can change between two catch-ups, and how it is seen without visiting every run:
 * - a run folder appears or disappears → the `runs/` folder's mtime changes;
 * - a run that has not ended (or was marked dead by the sweep) grows → such runs are few, and each
 *   is checked by one stat;
 * - an ended run grows → only through user edits (a reader ignores anything else after run_end,
 *   docs/event-log.md), and every edit is also recorded in `edited-runs.log` (src/core/runs/edits.ts).
 * A checkpoint (the runs folder's mtime, the edit log's size, the format version) is saved after a
 * full pass; when it no longer matches, the full pass (one stat per run) runs again.
 */
export function editedRunsLog(paths: WorkspacePaths): string {
  return path.join(paths.root, 'edited-runs.log');
}

/** An mtime this close to "now" may still change within the same clock tick: not trusted. */
const RACY_MS = 2000;

interface Checkpoint {
  runs_mtime_ns: string;
  edits_offset: number;
  format: number;
}

export function catchUpWorkspace(db: Db, paths: WorkspacePaths): WorkspaceIngestResult {
  const runsStat = fs.statSync(paths.runsDir, { bigint: true, throwIfNoEntry: false });
  if (!runsStat) return ingestWorkspace(db, paths, []);
  const editsSize = fs.statSync(editedRunsLog(paths), { throwIfNoEntry: false })?.size ?? 0;
  const cp = readCheckpoint(db);
  const mtime = runsStat.mtimeNs.toString();
  let result: WorkspaceIngestResult;
  if (cp && cp.runs_mtime_ns === mtime && cp.format === EVENT_FORMAT_VERSION && cp.edits_offset <= editsSize) {
    const ids = new Set(unsettledRuns(db));
    for (const id of editedSince(paths, cp.edits_offset, editsSize)) ids.add(id);
    result = ingestWorkspace(db, paths, [...ids].sort());
  } else {
    result = ingestWorkspace(db, paths);
  }
  const next: Checkpoint = { runs_mtime_ns: mtime, edits_offset: editsSize, format: EVENT_FORMAT_VERSION };
  // Written only when it moved: a read command should not take the write lock for nothing.
  const moved = !cp || cp.runs_mtime_ns !== next.runs_mtime_ns || cp.edits_offset !== next.edits_offset || cp.format !== next.format;
  if (moved && Date.now() - Number(runsStat.mtimeNs / 1_000_000n) > RACY_MS) writeCheckpoint(db, next);
  return result;
}

/**
 * Runs whose log may still grow by itself: not ended by their own run_end, or not fully read. Both
 * come from partial indexes, so the cost follows their number, not the number of runs. (A log
 * that so far holds no valid event has no run row; a full pass, `mlwb ingest`, picks it up.)
 */
function unsettledRuns(db: Db): string[] {
  const rows = db
    .prepare(`SELECT id FROM runs WHERE end_source IS NOT 'log' UNION SELECT run_id FROM ingest_offsets WHERE byte_offset <> file_size`)
    .raw()
    .all() as [string][];
  return rows.map((r) => r[0]);
}

function editedSince(paths: WorkspacePaths, from: number, to: number): string[] {
  if (to <= from) return [];
  const fd = fs.openSync(editedRunsLog(paths), 'r');
  try {
    const buf = Buffer.alloc(to - from);
    const n = fs.readSync(fd, buf, 0, buf.length, from);
    return buf
      .toString('utf8', 0, n)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(l));
  } finally {
    fs.closeSync(fd);
  }
}

function readCheckpoint(db: Db): Checkpoint | undefined {
  const row = db.prepare(`SELECT value FROM ingest_checkpoint WHERE key = 'catch-up'`).get() as { value: string } | undefined;
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as Checkpoint;
  } catch {
    return undefined;
  }
}

function writeCheckpoint(db: Db, cp: Checkpoint): void {
  db.prepare(`INSERT INTO ingest_checkpoint (key, value) VALUES ('catch-up', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
    JSON.stringify(cp),
  );
}
