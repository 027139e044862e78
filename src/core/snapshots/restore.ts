import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import type { WorkspacePaths } from '../workspace';
import { datasetPath, isInsideWorkspace } from './dataset';
import { loadManifest } from './manifest';
import { type ManifestEntry, type ProgressCallback, type Snapshot, throwIfAborted } from './model';
import { objectPath } from './objects';
import { resolveSnapshot } from './store';

export interface RestoreOptions {
  /** Where to restore; default: the dataset's own path. */
  to?: string;
  /** Overwrite files that differ from the snapshot. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface RestoreResult {
  snapshot: string;
  target: string;
  /** Paths (relative to the snapshot root) written. */
  written: string[];
  /** Files already equal to the snapshot, left alone. */
  unchanged: number;
  /** Differing local files that --force overwrote. */
  overwritten: string[];
}

/** Raised, before anything is written, when restoring would overwrite local changes. */
export class RestoreConflictError extends MlwbError {
  constructor(
    readonly target: string,
    readonly conflicts: string[],
  ) {
    const shown = conflicts
      .slice(0, 20)
      .map((c) => `  ${c}`)
      .join('\n');
    const more = conflicts.length > 20 ? `\n  … and ${conflicts.length - 20} more` : '';
    super(
      `Restoring into ${target} would overwrite ${conflicts.length} locally changed file(s):\n${shown}${more}\nUse --force to overwrite them.`,
      'INVALID_ARGUMENT',
    );
    this.name = 'RestoreConflictError';
  }
}

/** Restores a snapshot's files from objects/, refusing (without `force`) to overwrite local changes. */
export async function restoreSnapshot(db: Db, paths: WorkspacePaths, ref: string | Snapshot, options: RestoreOptions = {}): Promise<RestoreResult> {
  const s = typeof ref === 'string' ? resolveSnapshot(db, ref) : ref;
  if (s.metadata_only) {
    throw new MlwbError(
      `Snapshot ${s.id} of ${s.dataset} is metadata-only: it recorded hashes but not the content, so it cannot be restored. ` +
        'Take snapshots without --metadata-only to be able to restore them.',
      'INVALID_ARGUMENT',
    );
  }
  const manifest = loadManifest(paths.objectsDir, s.manifest);
  for (const e of manifest.entries) assertSafe(e.path);
  const base = path.resolve(options.to ?? datasetPath(paths, s.dataset));
  // Without --to the target comes from the store, which a file on disk can change: never let it
  // point outside the workspace folder. An explicit --to is the user's own choice.
  if (options.to === undefined && !isInsideWorkspace(paths, base)) {
    throw new MlwbError(
      `Snapshot ${s.id} names ${base} as its dataset, which is outside the workspace folder; restore it with --to <path> to say where.`,
      'INVALID_ARGUMENT',
    );
  }
  const dest = (e: ManifestEntry): string => {
    if (manifest.kind === 'dir') return path.join(base, ...e.path.split('/'));
    return isDir(base) ? path.join(base, e.path) : base;
  };
  const missing = manifest.entries.filter((e) => e.sha256 !== '' && e.link === undefined && !fs.existsSync(objectPath(paths.objectsDir, e.sha256)));
  if (missing.length) {
    throw new MlwbError(
      `Snapshot ${s.id} cannot be restored: ${missing.length} object(s) are missing from ${paths.objectsDir} (first: ${missing[0]!.path}).`,
      'NOT_FOUND',
    );
  }

  const todo: ManifestEntry[] = [];
  const conflictSet = new Set<string>();
  const baseStat = lstatOrUndefined(base);
  if (manifest.kind === 'dir' && baseStat && !baseStat.isDirectory()) {
    if (!options.force) throw new RestoreConflictError(base, ['.']);
    fs.rmSync(base, { force: true });
  }
  let unchanged = 0;
  for (const e of manifest.entries) {
    const blocker = manifest.kind === 'dir' ? blockingAncestor(base, e.path) : undefined;
    const state = blocker ? 'conflict' : compare(dest(e), e);
    conflictSet.add(blocker ?? (state === 'conflict' ? e.path : ''));
    if (state === 'same') unchanged++;
    else todo.push(e);
  }
  conflictSet.delete('');
  const conflicts = [...conflictSet].sort();
  if (conflicts.length && !options.force) throw new RestoreConflictError(base, conflicts);

  const bytesTotal = todo.reduce((n, e) => n + e.size, 0);
  let bytesDone = 0;
  const written: string[] = [];
  for (const e of todo) {
    throwIfAborted(options.signal);
    const file = dest(e);
    if (manifest.kind === 'dir') clearBlocker(base, e.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const st = lstatOrUndefined(file);
    if (st?.isDirectory()) fs.rmSync(file, { recursive: true, force: true });
    if (e.link !== undefined) {
      fs.rmSync(file, { force: true });
      fs.symlinkSync(e.link, file);
    } else if (e.sha256 !== '') {
      copyVerified(objectPath(paths.objectsDir, e.sha256), file, e);
    }
    written.push(e.path);
    bytesDone += e.size;
    options.onProgress?.({ phase: 'store', files_done: written.length, files_total: todo.length, bytes_done: bytesDone, bytes_total: bytesTotal });
    await new Promise<void>((r) => setImmediate(r));
  }
  return { snapshot: s.id, target: base, written, unchanged, overwritten: options.force ? conflicts : [] };
}

function assertSafe(rel: string): void {
  if (rel === '' || path.isAbsolute(rel) || rel.split('/').some((p) => p === '..' || p === '' || p === '.')) {
    throw new MlwbError(`The manifest holds an unsafe path "${rel}"; refusing to restore it.`, 'INVALID_ARGUMENT');
  }
}

/** 'same' when the local file already has the snapshot's content, 'missing' or 'conflict' otherwise. */
function compare(file: string, e: ManifestEntry): 'same' | 'missing' | 'conflict' {
  const st = lstatOrUndefined(file);
  if (!st) return 'missing';
  if (e.link !== undefined) return st.isSymbolicLink() && fs.readlinkSync(file) === e.link ? 'same' : 'conflict';
  if (!st.isFile() || Number(st.size) !== e.size) return 'conflict';
  // The very file the snapshot read, untouched since: no need to read it.
  if (String(st.ino) === e.inode && String(st.mtimeNs) === e.mtime_ns) return 'same';
  return hashFile(file) === e.sha256 ? 'same' : 'conflict';
}

/** A non-folder standing where the snapshot needs a folder (relative path), if any. */
function blockingAncestor(base: string, rel: string): string | undefined {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const st = lstatOrUndefined(path.join(base, ...parts.slice(0, i)));
    if (!st) return undefined;
    if (!st.isDirectory()) return parts.slice(0, i).join('/');
  }
  return undefined;
}

function clearBlocker(base: string, rel: string): void {
  const b = blockingAncestor(base, rel);
  if (b) fs.rmSync(path.join(base, ...b.split('/')), { force: true });
}

/** Copies an object through a temp file, checking its hash, so a corrupt object is caught. */
function copyVerified(src: string, file: string, e: ManifestEntry): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.mlwb-restore-${crypto.randomBytes(4).toString('hex')}`);
  const h = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const inFd = fs.openSync(src, 'r');
  const outFd = fs.openSync(tmp, 'wx', e.mode & 0o777);
  try {
    let n: number;
    while ((n = fs.readSync(inFd, buf, 0, buf.length, null)) > 0) {
      h.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(outFd, buf, off, n - off);
    }
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  if (h.digest('hex') !== e.sha256) {
    fs.rmSync(tmp, { force: true });
    throw new MlwbError(`The object ${src} for ${e.path} is corrupt (its content no longer matches its hash).`, 'INVALID_ARGUMENT');
  }
  // Permission bits only: a restored file never gets setuid, setgid or sticky from a manifest.
  fs.chmodSync(tmp, e.mode & 0o777);
  fs.renameSync(tmp, file);
}

export function hashFile(file: string): string {
  const h = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

function lstatOrUndefined(p: string): fs.BigIntStats | undefined {
  try {
    return fs.lstatSync(p, { bigint: true });
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
