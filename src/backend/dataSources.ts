import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../core/errors';
import { openTable } from '../core/data/open';
import type { TableReader } from '../core/data/table';
import { type Snapshot, loadManifest, openSnapshotTable, resolveSnapshot } from '../core/snapshots';
import { objectPath } from '../core/snapshots/objects';
import type { Db } from '../core/store/database';
import type { WorkspacePaths } from '../core/workspace';
import { type DataSource, type GalleryItem, isImagePath } from '../protocol/data';

/**
 * Where the previews read from: a file or image folder in the workspace, or the same inside a
 * snapshot's stored objects. `workspaceFile` is `source.path` resolved against the workspace folder.
 */

/** The single file of a file snapshot when `path` is '' (or its name). */
export function snapshotFilePath(paths: WorkspacePaths, snapshot: Snapshot, p: string): string {
  if (snapshot.kind === 'file' && p === '') return loadManifest(paths.objectsDir, snapshot.manifest).entries[0]?.path ?? '';
  return p;
}

export function openSource(paths: WorkspacePaths, workspaceFile: string, source: DataSource, db: Db | undefined): TableReader {
  if (source.snapshot) {
    if (!db) throw new MlwbError(`No snapshot ${source.snapshot}: this workspace has no snapshots yet.`, 'NOT_FOUND');
    const s = resolveSnapshot(db, source.snapshot);
    return openSnapshotTable(db, paths, s, snapshotFilePath(paths, s, source.path));
  }
  if (!fs.existsSync(workspaceFile)) throw new MlwbError(`${source.path}: no such file.`, 'NOT_FOUND');
  return openTable(workspaceFile, { name: source.path });
}

export function galleryImages(paths: WorkspacePaths, workspaceFile: string, source: DataSource, db: Db | undefined): { name: string; items: GalleryItem[] } {
  if (source.snapshot) {
    if (!db) throw new MlwbError(`No snapshot ${source.snapshot}.`, 'NOT_FOUND');
    const s = resolveSnapshot(db, source.snapshot);
    if (s.metadata_only) throw new MlwbError(`Snapshot ${s.id} is metadata-only: its images were not stored, so they cannot be shown.`, 'INVALID_ARGUMENT');
    const prefix = source.path === '' || source.path === '.' ? '' : source.path.replace(/\/+$/, '') + '/';
    const items = loadManifest(paths.objectsDir, s.manifest)
      .entries.filter((e) => e.path.startsWith(prefix) && isImagePath(e.path) && e.sha256 !== '')
      .map((e) => ({ path: e.path.slice(prefix.length), size: e.size, file: objectPath(paths.objectsDir, e.sha256) }));
    return { name: `${source.path || s.dataset} in snapshot ${s.name ?? s.id}`, items };
  }
  const items: GalleryItem[] = [];
  const walk = (dir: string, rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === '.git' || e.name === '.mlwb') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs, r);
      else if (e.isFile() && isImagePath(e.name)) {
        let size = 0;
        try {
          size = fs.statSync(abs).size;
        } catch {
          continue;
        }
        items.push({ path: r, size, file: abs });
      }
    }
  };
  walk(workspaceFile, '');
  items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { name: source.path, items };
}
