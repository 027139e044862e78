import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { loadManifest } from './manifest';
import { rebuildSnapshotIndex, snapshotRecordsDir } from './store';

/**
 * Lineage (which snapshot a run read) is decided once, when the run's input is linked, and cannot
 * be derived again from the event log: the data may have changed since. So every link is also
 * appended to `.mlwb/snapshots/lineage.jsonl`, and a rebuilt store reads it back.
 */
export interface LineageRecord {
  run_id: string;
  snapshot_id: string;
  path: string;
  linked_at: number;
}

export function lineageLogFile(paths: WorkspacePaths): string {
  return path.join(snapshotRecordsDir(paths), 'lineage.jsonl');
}

/** One short line per link, appended with O_APPEND: concurrent writers never interleave lines. */
export function appendLineageRecord(paths: WorkspacePaths, r: LineageRecord): void {
  fs.mkdirSync(snapshotRecordsDir(paths), { recursive: true });
  fs.appendFileSync(lineageLogFile(paths), JSON.stringify(r) + '\n');
}

function readLineageRecords(paths: WorkspacePaths): LineageRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(lineageLogFile(paths), 'utf8');
  } catch {
    return [];
  }
  const out: LineageRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as Partial<LineageRecord>;
      if (typeof r.run_id === 'string' && typeof r.snapshot_id === 'string' && typeof r.path === 'string' && typeof r.linked_at === 'number') {
        out.push(r as LineageRecord);
      }
    } catch {
      // a torn last line (a writer was killed): skip it
    }
  }
  return out;
}

/** Re-creates the snapshot index and the run → snapshot links from the files on disk. */
export function rebuildSnapshotIndexes(db: Db, paths: WorkspacePaths): { snapshots: number; links: number } {
  const snapshots = rebuildSnapshotIndex(db, paths, (manifest) => {
    try {
      return loadManifest(paths.objectsDir, manifest).entries;
    } catch {
      return undefined;
    }
  });
  const has = db.prepare('SELECT 1 FROM snapshots WHERE id = ?');
  const insert = db.prepare('INSERT OR IGNORE INTO run_inputs (run_id, snapshot_id, path, linked_at) VALUES (?, ?, ?, ?)');
  let links = 0;
  db.transaction(() => {
    for (const r of readLineageRecords(paths)) {
      if (has.get(r.snapshot_id)) links += insert.run(r.run_id, r.snapshot_id, r.path, r.linked_at).changes;
    }
  }).immediate();
  return { snapshots, links };
}
