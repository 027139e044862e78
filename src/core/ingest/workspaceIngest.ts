import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import { openStore } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { ingestRunLog, type IngestIssue, type IngestOptions, type RunIngestResult } from './runIngestor';

export interface WorkspaceIngestResult {
  runs: RunIngestResult[];
  changedRunIds: string[];
  events: number;
  points: number;
  issues: IngestIssue[];
}

/** Run folders that hold an event log, oldest first (run ids sort by creation time). */
export function listRunIds(paths: WorkspacePaths): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(paths.runsDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(paths.runsDir, d.name, 'events.jsonl')))
    .map((d) => d.name)
    .sort();
}

/** Catches the store up with every run's event log. */
export function ingestWorkspace(db: Db, paths: WorkspacePaths, runIds: readonly string[] = listRunIds(paths), options?: IngestOptions): WorkspaceIngestResult {
  const out: WorkspaceIngestResult = { runs: [], changedRunIds: [], events: 0, points: 0, issues: [] };
  for (const id of runIds) {
    const r = ingestRunLog(db, paths.runsDir, id, options);
    out.runs.push(r);
    if (!r.unchanged) out.changedRunIds.push(id);
    out.events += r.events;
    out.points += r.points;
    out.issues.push(...r.issues);
  }
  return out;
}

/**
 * Rebuilds `store.db` from the event logs: the old file is kept beside it (`store.db.bak-<time>`)
 * rather than deleted, in case it held something the logs do not.
 */
export function rebuildStore(paths: WorkspacePaths): { backup: string | undefined; result: WorkspaceIngestResult } {
  let backup: string | undefined;
  if (fs.existsSync(paths.storeFile)) {
    backup = `${paths.storeFile}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(paths.storeFile, backup);
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(paths.storeFile + suffix)) fs.renameSync(paths.storeFile + suffix, backup + suffix);
    }
  }
  const db = openStore(paths.storeFile);
  try {
    return { backup, result: ingestWorkspace(db, paths) };
  } finally {
    db.close();
  }
}
