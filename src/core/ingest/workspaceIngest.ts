import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import { openStore } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { ingestRunLog, type IngestIssue, type IngestOptions, type RunIngestResult } from './runIngestor';
import { rebuildSnapshotIndexes } from '../snapshots/rebuild';
import { statLog } from './statLog';

export interface WorkspaceIngestResult {
  runs: RunIngestResult[];
  changedRunIds: string[];
  events: number;
  points: number;
  issues: IngestIssue[];
}

interface RunLog {
  id: string;
  /** Size of `events.jsonl` when it is a regular file; undefined for anything else. */
  size: number | undefined;
}

/** Run folders that hold an event log (of any file type), oldest first (run ids sort by creation time). */
function listRunLogs(paths: WorkspacePaths): RunLog[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(paths.runsDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: RunLog[] = [];
  for (const d of entries) {
    if (!d.isDirectory()) continue;
    // lstat-free stat that never opens the file: a FIFO here costs nothing and blocks nothing.
    const st = statLog(path.join(paths.runsDir, d.name, 'events.jsonl'));
    if (st) out.push({ id: d.name, size: st !== 'unreadable' && st.isFile() ? st.size : undefined });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function logSize(paths: WorkspacePaths, runId: string): number | undefined {
  const st = statLog(path.join(paths.runsDir, runId, 'events.jsonl'));
  return st && st !== 'unreadable' && st.isFile() ? st.size : undefined;
}

/** Run folders that hold an event log, oldest first. */
export function listRunIds(paths: WorkspacePaths): string[] {
  return listRunLogs(paths).map((r) => r.id);
}

/**
 * Catches the store up with every run's event log. A log whose size equals the committed offset
 * is skipped with one stat and no statements, so a no-change catch-up costs one stat per run.
 * A run that fails for any reason is reported (file, line 0) and skipped; the others go on.
 */
export function ingestWorkspace(db: Db, paths: WorkspacePaths, runIds?: readonly string[], options?: IngestOptions): WorkspaceIngestResult {
  const out: WorkspaceIngestResult = { runs: [], changedRunIds: [], events: 0, points: 0, issues: [] };
  const logs: RunLog[] = runIds ? runIds.map((id) => ({ id, size: logSize(paths, id) })) : listRunLogs(paths);
  // One query for a full pass; a look-up per run for a short list.
  const committed = runIds ? undefined : committedOffsets(db);
  const offsetOf = db.prepare('SELECT byte_offset FROM ingest_offsets WHERE run_id = ?').pluck();
  for (const { id, size } of logs) {
    if (size !== undefined && (committed ? committed.get(id) : (offsetOf.get(id) as number | undefined)) === size) {
      out.runs.push({ runId: id, events: 0, points: 0, issues: [], inputs: [], unchanged: true, more: false });
      continue;
    }
    let r: RunIngestResult;
    try {
      r = ingestRunLog(db, paths.runsDir, id, options);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // A busy or broken store is not this run's fault: let the caller say so once.
      if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_FULL')) throw e;
      const file = path.join(paths.runsDir, id, 'events.jsonl');
      r = {
        runId: id,
        events: 0,
        points: 0,
        issues: [{ file, line: 0, message: `the run could not be ingested (${(e as Error).message}); it was skipped` }],
        inputs: [],
        unchanged: true,
        more: false,
      };
    }
    out.runs.push(r);
    if (!r.unchanged) out.changedRunIds.push(id);
    out.events += r.events;
    out.points += r.points;
    out.issues.push(...r.issues);
  }
  return out;
}

function committedOffsets(db: Db): Map<string, number> {
  const rows = db.prepare('SELECT run_id, byte_offset FROM ingest_offsets').raw().all() as [string, number][];
  return new Map(rows);
}

/**
 * Rebuilds `store.db` from the event logs, the snapshot records and the lineage log. The new store
 * is built beside the old one (`.mlwb/rebuild/`) and swapped in only when complete, so a rebuild
 * that fails leaves the old store in place. The old file is kept (`store.db.bak-<time>`) rather
 * than deleted, in case it held something the logs do not.
 */
export function rebuildStore(paths: WorkspacePaths): { backup: string | undefined; result: WorkspaceIngestResult } {
  const scratch = path.join(paths.root, 'rebuild');
  fs.mkdirSync(scratch, { recursive: true });
  const fresh = path.join(scratch, `store-${process.pid}-${Date.now()}.db`);
  let result: WorkspaceIngestResult;
  try {
    const db = openStore(fresh);
    try {
      result = ingestWorkspace(db, paths);
      rebuildSnapshotIndexes(db, paths);
    } finally {
      db.close();
    }
  } catch (e) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(fresh + suffix, { force: true });
    throw e;
  }
  let backup: string | undefined;
  if (fs.existsSync(paths.storeFile)) {
    backup = `${paths.storeFile}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(paths.storeFile, backup);
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(paths.storeFile + suffix)) fs.renameSync(paths.storeFile + suffix, backup + suffix);
    }
  }
  fs.renameSync(fresh, paths.storeFile);
  try {
    fs.rmdirSync(scratch); // only when empty: another rebuild may be working in it
  } catch {
    /* left for that rebuild */
  }
  return { backup, result };
}
