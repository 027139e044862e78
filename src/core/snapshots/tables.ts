import * as fs from 'node:fs';
import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import type { WorkspacePaths } from '../workspace';
import { type TableDrift, tableDrift } from '../data/drift';
import { openTable } from '../data/open';
import type { ProfileOptions } from '../data/profile';
import { type TableReader, detectFormat } from '../data/table';
import { loadManifest } from './manifest';
import type { Snapshot } from './model';
import { objectPath } from './objects';
import { resolveSnapshot } from './store';

/**
 * A table inside a snapshot, read from its stored object (objects have no extension, so the
 * format comes from the path in the manifest). For the preview, profile and drift views.
 */
export function openSnapshotTable(db: Db, paths: WorkspacePaths, ref: string | Snapshot, relPath: string): TableReader {
  const s = typeof ref === 'string' ? resolveSnapshot(db, ref) : ref;
  const label = `${relPath} in snapshot ${s.id}`;
  if (s.metadata_only) throw new MlwbError(`${label}: the snapshot is metadata-only, so its content cannot be previewed.`, 'INVALID_ARGUMENT');
  const entry = loadManifest(paths.objectsDir, s.manifest).entries.find((e) => e.path === relPath);
  if (!entry) throw new MlwbError(`Snapshot ${s.id} has no file ${relPath}.`, 'NOT_FOUND');
  const format = detectFormat(relPath);
  if (!format) throw new MlwbError(`${label}: not a table (use .csv, .tsv, .jsonl or .parquet).`, 'INVALID_ARGUMENT');
  const file = objectPath(paths.objectsDir, entry.sha256);
  if (!fs.existsSync(file)) throw new MlwbError(`${label}: its object ${file} is missing.`, 'NOT_FOUND');
  return openTable(file, { format, name: label });
}

/** Drift of one table between two snapshots (A is the reference); `pathB` defaults to `path`. */
export function snapshotTableDrift(
  db: Db,
  paths: WorkspacePaths,
  refA: string | Snapshot,
  refB: string | Snapshot,
  path: string,
  pathB: string = path,
  options: ProfileOptions = {},
): Promise<TableDrift> {
  return tableDrift(openSnapshotTable(db, paths, refA, path), openSnapshotTable(db, paths, refB, pathB), options);
}
