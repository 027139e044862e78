import * as fs from 'node:fs';
import { errorMessage } from '../errors';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { openTable } from '../data/open';
import { type SchemaChange, type TableSummary, schemaChange, summarizeTable } from '../data/summary';
import { type TableFormat, detectFormat } from '../data/table';
import { loadManifest } from './manifest';
import type { Manifest, ManifestEntry, Snapshot } from './model';
import { objectPath } from './objects';
import { resolveSnapshot } from './store';

export interface FileChange {
  path: string;
  status: 'added' | 'removed' | 'modified';
  /** Size in A (null when added) and in B (null when removed). */
  size_a: number | null;
  size_b: number | null;
}

export interface TabularChange extends SchemaChange {
  path: string;
  rows_a: number | null;
  rows_b: number | null;
  /** Why the table could not be compared (content not stored, too large, malformed). */
  note?: string;
}

/** `added`, `removed`, `modified` are the contract of `mlwb snapshot diff --json`. */
export interface SnapshotDiff {
  a: string;
  b: string;
  added: string[];
  removed: string[];
  modified: string[];
  files: FileChange[];
  tabular: TabularChange[];
}

/** Paths added, removed, and modified (content or link target changed; mode alone is not a change). */
export function diffManifests(a: Manifest, b: Manifest): Pick<SnapshotDiff, 'added' | 'removed' | 'modified' | 'files'> {
  const inA = new Map(a.entries.map((e) => [e.path, e]));
  const inB = new Map(b.entries.map((e) => [e.path, e]));
  const files: FileChange[] = [];
  for (const e of a.entries) {
    const other = inB.get(e.path);
    if (!other) files.push({ path: e.path, status: 'removed', size_a: e.size, size_b: null });
    else if (other.sha256 !== e.sha256 || other.link !== e.link) files.push({ path: e.path, status: 'modified', size_a: e.size, size_b: other.size });
  }
  for (const e of b.entries) if (!inA.has(e.path)) files.push({ path: e.path, status: 'added', size_a: null, size_b: e.size });
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const of = (s: FileChange['status']) => files.filter((f) => f.status === s).map((f) => f.path);
  return { added: of('added'), removed: of('removed'), modified: of('modified'), files };
}

export interface DiffOptions {
  /** Read tabular files for row counts and schema changes (default true). */
  tabular?: boolean;
  /** Larger tables are not read (Parquet is always cheap: only its footer is read). */
  maxTabularBytes?: number;
  signal?: AbortSignal;
  /**
   * Reads one stored table's summary; in process by default. The backend passes its table worker,
   * so a diff of large tables does not block its request loop.
   */
  summarize?: (table: { file: string; format: TableFormat; name: string }, signal?: AbortSignal) => Promise<TableSummary>;
}

export async function diffSnapshots(
  db: Db,
  paths: WorkspacePaths,
  refA: string | Snapshot,
  refB: string | Snapshot,
  options: DiffOptions = {},
): Promise<SnapshotDiff> {
  const sa = typeof refA === 'string' ? resolveSnapshot(db, refA) : refA;
  const sb = typeof refB === 'string' ? resolveSnapshot(db, refB) : refB;
  const ma = loadManifest(paths.objectsDir, sa.manifest);
  const mb = loadManifest(paths.objectsDir, sb.manifest);
  const d = diffManifests(ma, mb);
  const tabular: TabularChange[] = [];
  if (options.tabular !== false) {
    const ea = new Map(ma.entries.map((e) => [e.path, e]));
    const eb = new Map(mb.entries.map((e) => [e.path, e]));
    for (const f of d.files) {
      const format = detectFormat(f.path);
      if (!format) continue;
      const side = async (s: Snapshot, e: ManifestEntry | undefined) => (e ? tableSide(paths, s, e, format, options) : undefined);
      const [a, b] = [await side(sa, ea.get(f.path)), await side(sb, eb.get(f.path))];
      const notes = [a?.note, b?.note].filter((n): n is string => !!n);
      const change: TabularChange = {
        path: f.path,
        rows_a: a?.summary?.rows ?? null,
        rows_b: b?.summary?.rows ?? null,
        ...(a?.summary && b?.summary ? schemaChange(a.summary.columns, b.summary.columns) : { columns_added: [], columns_removed: [], type_changed: [] }),
      };
      if (notes.length) change.note = notes.join('; ');
      tabular.push(change);
    }
  }
  return { a: sa.id, b: sb.id, ...d, tabular };
}

async function tableSide(paths: WorkspacePaths, s: Snapshot, e: ManifestEntry, format: TableFormat, options: DiffOptions) {
  const label = `${e.path} in snapshot ${s.id}`;
  if (s.metadata_only) return { note: `${label}: content not stored (metadata-only snapshot)` };
  const file = objectPath(paths.objectsDir, e.sha256);
  if (!fs.existsSync(file)) return { note: `${label}: object missing` };
  const max = options.maxTabularBytes ?? 256 * 1024 * 1024;
  if (format !== 'parquet' && e.size > max) return { note: `${label}: larger than ${max} bytes, not read` };
  const summarize = options.summarize ?? ((t, signal) => summarizeTable(openTable(t.file, { format: t.format, name: t.name }), signal));
  try {
    return { summary: await summarize({ file, format, name: label }, options.signal) };
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    return { note: errorMessage(err) };
  }
}
