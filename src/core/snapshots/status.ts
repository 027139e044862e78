import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { datasetPath } from './dataset';
import { loadManifest } from './manifest';
import type { Snapshot } from './model';
import { latestSnapshot } from './store';
import { walkDataset } from './walk';

export interface DatasetStatus {
  dataset: string;
  latest: Snapshot | undefined;
  /** True when files were added, removed, or have other stats than in the latest snapshot. */
  modified: boolean;
  added: string[];
  removed: string[];
  /** Size, mtime or inode differ: probably modified (content is not read to confirm). */
  changed: string[];
}

/**
 * "Modified since last snapshot", from stats alone (no file is read), for the Data view's
 * marker. A file rewritten with identical bytes still shows as changed until the next snapshot.
 */
export async function datasetStatus(db: Db, paths: WorkspacePaths, dataset: string, signal?: AbortSignal): Promise<DatasetStatus> {
  const latest = latestSnapshot(db, dataset);
  const empty = { dataset, latest, added: [], removed: [], changed: [] };
  let walk;
  try {
    walk = await walkDataset(datasetPath(paths, dataset), { signal, exclude: [paths.root] });
  } catch {
    // The dataset is gone: everything was removed.
    const removed = latest ? loadManifest(paths.objectsDir, latest.manifest).entries.map((e) => e.path) : [];
    return { ...empty, removed, modified: removed.length > 0 };
  }
  if (!latest) return { ...empty, added: walk.files.map((f) => f.rel), modified: true };
  const entries = new Map(loadManifest(paths.objectsDir, latest.manifest).entries.map((e) => [e.path, e]));
  const added: string[] = [];
  const changed: string[] = [];
  for (const f of walk.files) {
    const e = entries.get(f.rel);
    entries.delete(f.rel);
    if (!e) added.push(f.rel);
    else if (e.size !== f.size || e.mtime_ns !== f.mtime_ns || e.inode !== f.inode || e.link !== f.link) changed.push(f.rel);
  }
  const removed = [...entries.keys()];
  return { dataset, latest, added, removed, changed, modified: added.length + removed.length + changed.length > 0 };
}
