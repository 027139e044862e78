import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import type { WorkspacePaths } from '../workspace';
import { datasetName, isOutside, isRacy } from './dataset';
import { POOL_AFTER_BYTES, POOL_AFTER_FILES, dropEarlyWorker } from './earlyWorker';
import { newSnapshotId, snapshotIdTime } from './snapshotId';
import { type HashCallbacks, type HashItem, type HashSession, type Hasher, InlineHasher } from './hasher';
import { WorkerHasher } from './workerHasher';
import { contentHashOf, loadManifest, manifestEntry, writeManifest } from './manifest';
import { type ManifestEntry, PARTIAL_KINDS, type ProgressCallback, type Snapshot, type SnapshotIssue, throwIfAborted } from './model';
import { cleanStaleTemp, hasObject, tmpDir, tmpObjectPath } from './objects';
import { findSnapshotByContent, insertSnapshot, latestSnapshot, greatestSnapshotIdAt, writeSnapshotRecord } from './store';
import { type WalkFile, walkDataset } from './walk';

export interface CreateSnapshotOptions {
  name?: string;
  /** Record hashes only; the content is not copied into objects/ (and cannot be restored). */
  metadataOnly?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Defaults to a worker pool when there is enough to hash, else hashing in this thread. */
  hasher?: Hasher;
  /**
   * The default worker pool also hashes on this thread, with one worker fewer (see
   * WorkerHasherOptions.mainThread): for the CLI, not for a process that must stay responsive.
   */
  hashOnThisThread?: boolean;
  /**
   * A first snapshot of the dataset lists its files without stat'ing each (the lstat was two
   * thirds of a cold walk's time): their stats come from hashing. Sizes are then unknown until a file is hashed, so
   * progress has no byte total. For the CLI; the editor's progress bar wants the total.
   */
  statsFromHashing?: boolean;
  /** For lineage: when the content equals a snapshot of the same dataset, return that one. */
  reuseIfUnchanged?: boolean;
  now?: () => number;
}

export interface CreateSnapshotResult {
  snapshot: Snapshot;
  /** True when an existing snapshot was returned (reuseIfUnchanged). */
  reused: boolean;
  stats: { hashed_files: number; hashed_bytes: number; reused_files: number; stored_objects: number };
}

const BUF_SIZE = 1 << 20;
const REPORT_EVERY = 64 << 20;

/**
 * Takes a content-addressed snapshot of a file or folder. Files whose size, mtime and inode
 * equal those in the dataset's previous manifest are not read again; the rest are hashed (and,
 * unless metadata-only, copied into objects/) on a worker pool.
 */
export async function createSnapshot(db: Db, paths: WorkspacePaths, target: string, options: CreateSnapshotOptions = {}): Promise<CreateSnapshotResult> {
  const now = options.now ?? Date.now;
  const abs = path.resolve(target);
  if (!fs.existsSync(abs)) throw new MlwbError(`Cannot snapshot ${abs}: no such file or folder.`, 'NOT_FOUND');
  // Temp files of snapshots whose process was killed would otherwise stay in objects/tmp forever.
  cleanStaleTemp(paths.objectsDir);
  const rel = path.relative(paths.root, abs);
  if (rel === '' || !isOutside(rel)) {
    throw new MlwbError(`Cannot snapshot ${abs}: it is inside the ML Workbench folder ${paths.root}.`, 'INVALID_ARGUMENT');
  }
  const startedMs = now();
  const storeContent = !options.metadataOnly;
  const dataset = datasetName(paths, abs);
  const progress = throttle(options.onProgress);

  // The baseline is read first so each file is judged as the walk finds it: files to hash go to
  // the hashing threads while the walk goes on (the walk of 5,000 files took as long as hashing
  // a tenth of their gigabyte).
  const prev = latestSnapshot(db, dataset);
  // After an earlier snapshot most files are usually reused: a thread booted ahead of need would
  // likely idle beside the walk (a pool still starts below if enough files changed).
  if (prev) dropEarlyWorker();
  const baseline = loadBaseline(paths, prev, storeContent);
  const listOnly = options.statsFromHashing === true && baseline === undefined;
  const entries = new Map<WalkFile, ManifestEntry>();
  const toHash: WalkFile[] = [];
  const items: HashItem[] = [];
  const finished: boolean[] = [];
  const issues: SnapshotIssue[] = [];
  let walking = true;
  let filesSeen = 0;
  let bytesTotal = 0;
  let bytesDone = 0;
  let filesDone = 0;
  let reusedFiles = 0;
  let hashedBytes = 0;
  let storedObjects = 0;
  const report = (force: boolean) => {
    if (walking) return; // the walk reports its own phase
    progress({ phase: 'hash', files_done: filesDone, files_total: filesSeen, bytes_done: bytesDone, bytes_total: bytesTotal }, force);
  };
  const job = { objectsDir: storeContent ? paths.objectsDir : null, tmpDir: tmpDir(paths.objectsDir), bufSize: BUF_SIZE, reportEvery: REPORT_EVERY };
  const callbacks: HashCallbacks = {
    onBytes: (b) => {
      bytesDone += b;
      report(false);
    },
    onOutcome: (k, outcome) => {
      finished[k] = true;
      const f = toHash[k]!;
      filesDone++;
      if (outcome.ok) {
        hashedBytes += outcome.size;
        if (outcome.stored) storedObjects++;
        entries.set(
          f,
          manifestEntry({
            path: f.rel,
            size: outcome.size,
            mtime_ns: outcome.mtime_ns,
            inode: outcome.inode,
            sha256: outcome.sha256,
            mode: outcome.mode,
            link: f.link,
          }),
        );
      } else if (outcome.kind === 'store') {
        throw new MlwbError(
          `Cannot store ${f.rel} in ${paths.objectsDir}: ${outcome.message}. Free some space, or use --metadata-only.`,
          'WORKSPACE_NOT_WRITABLE',
        );
      } else {
        if (f.size > 0) bytesDone += f.size;
        issues.push({ path: f.rel, kind: outcome.kind, message: outcome.message });
      }
      report(false);
    },
  };
  // Hashing starts in this thread's queue; past a few files or megabytes the worker pool takes
  // over (an unchanged re-snapshot starts no thread).
  const owned = options.hasher === undefined;
  let hasher: Hasher | undefined = options.hasher;
  let session: HashSession | undefined = hasher?.start(job, callbacks, options.signal);
  let queuedBytes = 0;
  const toPool = (): void => {
    hasher = options.hashOnThisThread ? new WorkerHasher(Math.max(1, os.availableParallelism() - 1), { mainThread: true }) : new WorkerHasher();
    session = hasher.start(job, callbacks, options.signal);
    for (const it of items) session.add(it);
  };
  const onFile = (f: WalkFile): void => {
    filesSeen++;
    if (f.size > 0) bytesTotal += f.size;
    if (f.dirLink) {
      entries.set(f, entryOf(f, ''));
      filesDone++;
      return;
    }
    const p = baseline?.entries.get(f.rel);
    if (
      p &&
      p.size === f.size &&
      p.mtime_ns === f.mtime_ns &&
      p.inode === f.inode &&
      p.link === f.link &&
      p.sha256 !== '' &&
      !isRacy(p.mtime_ns, baseline!.startedMs) &&
      (!baseline!.checkObjects || hasObject(paths.objectsDir, p.sha256))
    ) {
      entries.set(f, entryOf(f, p.sha256));
      bytesDone += f.size;
      filesDone++;
      reusedFiles++;
      return;
    }
    const it: HashItem = { file: f.abs, size: f.size, tmp: storeContent ? tmpObjectPath(paths.objectsDir) : '' };
    toHash.push(f);
    items.push(it);
    finished.push(false);
    if (f.size > 0) queuedBytes += f.size;
    if (session) session.add(it);
    // Unknown sizes could hide large files: straight to the pool.
    else if (f.size < 0 || items.length > POOL_AFTER_FILES || queuedBytes > POOL_AFTER_BYTES) toPool();
  };

  let walk: Awaited<ReturnType<typeof walkDataset>>;
  try {
    walk = await walkDataset(abs, {
      signal: options.signal,
      exclude: [paths.root],
      stats: !listOnly,
      onFile,
      onProgress: (files, bytes) => progress({ phase: 'scan', files_done: filesDone, files_total: files, bytes_done: bytesDone, bytes_total: bytes }, false),
    });
    throwIfAborted(options.signal);
    walking = false;
    report(true);
    if (!session) {
      dropEarlyWorker();
      hasher = new InlineHasher();
      session = hasher.start(job, callbacks, options.signal);
      for (const it of items) session.add(it);
    }
    await session.end();
  } catch (e) {
    if (owned) await hasher?.close();
    // Temp files of files without an outcome (a hashing thread may have been stopped mid-write).
    if (storeContent) items.forEach((it, k) => finished[k] || fs.rmSync(it.tmp, { force: true }));
    throw e;
  }
  issues.push(...walk.issues);
  // The threads exit on their own cores while the result is stored (awaiting their exit first kept
  // this thread waiting about 8 ms). Their exit is awaited before returning; on a throw below they
  // still stop, unawaited.
  const closing = owned ? hasher?.close() : undefined;
  throwIfAborted(options.signal);
  progress({ phase: 'store', files_done: filesDone, files_total: walk.files.length, bytes_done: bytesDone, bytes_total: bytesTotal }, true);

  // Manifest order is the walk's sorted order, not the order outcomes came back in.
  const kept: ManifestEntry[] = [];
  for (const f of walk.files) {
    const e = entries.get(f);
    if (e) kept.push(e);
  }
  issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const contentHash = contentHashOf(kept);
  const partial = issues.some((i) => PARTIAL_KINDS.has(i.kind));
  const statsOut = { hashed_files: toHash.length, hashed_bytes: hashedBytes, reused_files: reusedFiles, stored_objects: storedObjects };
  if (options.reuseIfUnchanged && !partial) {
    const same = findSnapshotByContent(db, dataset, contentHash);
    if (same && (storeContent ? !same.metadata_only : true)) {
      await closing;
      return { snapshot: same, reused: true, stats: statsOut };
    }
  }
  const manifest = writeManifest(paths.objectsDir, { version: 1, kind: walk.kind, entries: kept });
  const snapshot: Snapshot = {
    id: newSnapshotId(startedMs, greatestSnapshotIdAt(db, snapshotIdTime(startedMs))),
    dataset,
    name: options.name ?? null,
    created_at: new Date(startedMs).toISOString(),
    kind: walk.kind,
    file_count: kept.length,
    total_bytes: kept.reduce((n, e) => n + e.size, 0),
    manifest,
    content_hash: contentHash,
    metadata_only: !storeContent,
    partial,
    errors: issues,
  };
  insertSnapshot(db, snapshot, kept);
  writeSnapshotRecord(paths, snapshot);
  await closing;
  return { snapshot, reused: false, stats: statsOut };
}

/** A manifest entry in canonical key order, built directly (this runs once per file). */
function entryOf(f: WalkFile, sha256: string): ManifestEntry {
  const e: ManifestEntry = { path: f.rel, size: f.size, mtime_ns: f.mtime_ns, inode: f.inode, sha256, mode: f.mode };
  if (f.link !== undefined) e.link = f.link;
  return e;
}

interface Baseline {
  entries: Map<string, ManifestEntry>;
  startedMs: number;
  /** The previous snapshot did not store content: a reused hash needs its object to exist. */
  checkObjects: boolean;
}

function loadBaseline(paths: WorkspacePaths, prev: Snapshot | undefined, storeContent: boolean): Baseline | undefined {
  if (!prev) return undefined;
  try {
    const m = loadManifest(paths.objectsDir, prev.manifest);
    return { entries: new Map(m.entries.map((e) => [e.path, e])), startedMs: Date.parse(prev.created_at), checkObjects: storeContent && prev.metadata_only };
  } catch {
    return undefined; // A lost manifest only costs a full re-hash.
  }
}

function throttle(cb: ProgressCallback | undefined): (p: Parameters<ProgressCallback>[0], force: boolean) => void {
  let last = 0;
  return (p, force) => {
    if (!cb) return;
    const t = Date.now();
    if (!force && t - last < 100) return;
    last = t;
    cb(p);
  };
}
