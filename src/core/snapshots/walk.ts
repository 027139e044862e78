import * as fs from 'node:fs';
import * as path from 'node:path';
import { type SnapshotIssue, throwIfAborted } from './model';

/**
 * A file found by the walk, with the stats the incremental rule compares. Listed without stats
 * (WalkOptions.stats false), a regular file has size -1, mtime_ns and inode '' and mode 0.
 */
export interface WalkFile {
  rel: string;
  abs: string;
  size: number;
  mtime_ns: string;
  inode: string;
  mode: number;
  /** Link text, for a symlink whose target is inside the root (kept as a link). */
  link?: string;
  /** True for such a link that points to a directory: recorded, never followed. */
  dirLink?: boolean;
}

export interface WalkResult {
  kind: 'file' | 'dir';
  files: WalkFile[];
  issues: SnapshotIssue[];
}

/** Folder names never snapshotted, at any depth: our own store and git's. */
export const SKIPPED_NAMES: ReadonlySet<string> = new Set(['.mlwb', '.git']);

export interface WalkOptions {
  signal?: AbortSignal;
  /** Absolute paths to leave out (the workspace folder when MLWB_DIR renames it). */
  exclude?: readonly string[];
  onProgress?: (filesSeen: number, bytesSeen: number) => void;
  /** Each file as it is found (before the sort), so hashing can start while the walk goes on. */
  onFile?: (f: WalkFile) => void;
  /**
   * False: regular files are listed without an lstat each (the hashing thread's fstat has the same
   * stats, and a first snapshot has none to compare them with). Links and folders are still stat'ed.
   */
  stats?: boolean;
}

type BigStats = fs.BigIntStats;

function fileOf(rel: string, abs: string, st: BigStats, link?: string): WalkFile {
  const f: WalkFile = {
    rel,
    abs,
    size: Number(st.size),
    mtime_ns: st.mtimeNs.toString(),
    inode: st.ino.toString(),
    mode: Number(st.mode & 0o7777n),
  };
  if (link !== undefined) f.link = link;
  return f;
}

function isInside(root: string, p: string): boolean {
  const r = path.relative(root, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

/**
 * Lists the files under `root` with synchronous stats (the fastest way to stat 100k files),
 * yielding to the event loop every few hundred entries so progress and cancellation get through.
 *
 * Symlinks: a link whose target is inside the root is recorded as a link (to a file: with the
 * target's content hash; to a folder: not followed, the folder is walked on its own). A link
 * leaving the root is followed as if its target were here. Folders are tracked by device and
 * inode, so a cycle of links ends instead of recursing forever.
 */
export async function walkDataset(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const issues: SnapshotIssue[] = [];
  const rootStat = fs.statSync(root, { bigint: true });
  if (rootStat.isFile()) {
    const f = fileOf(path.basename(root), root, rootStat);
    options.onFile?.(f);
    return { kind: 'file', files: [f], issues };
  }
  const realRoot = fs.realpathSync(root);
  const listOnly = options.stats === false;
  const exclude = new Set((options.exclude ?? []).map((p) => path.resolve(p)));
  const visited = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  const files: WalkFile[] = [];
  const stack: { abs: string; rel: string }[] = [{ abs: root, rel: '' }];
  let seen = 0;
  let bytes = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir.abs, { withFileTypes: true });
    } catch (e) {
      issues.push({ path: dir.rel || '.', kind: 'unreadable', message: `cannot list folder: ${code(e)}` });
      continue;
    }
    // A name from readdir holds no separator, so joining needs no normalising (path.join was a
    // tenth of a cold walk's time).
    const base = dir.abs.endsWith(path.sep) ? dir.abs : dir.abs + path.sep;
    for (const ent of entries) {
      if (SKIPPED_NAMES.has(ent.name)) continue;
      const abs = base + ent.name;
      const rel = dir.rel ? `${dir.rel}/${ent.name}` : ent.name;
      if (exclude.has(abs)) continue;
      if (++seen % 500 === 0) {
        options.onProgress?.(files.length, bytes);
        await new Promise<void>((r) => setImmediate(r));
        throwIfAborted(options.signal);
      }
      try {
        if (ent.isSymbolicLink()) {
          const f = visitLink(abs, rel, realRoot, visited, stack, issues);
          if (f) {
            files.push(f);
            options.onFile?.(f);
          }
        } else if (ent.isDirectory()) {
          const st = fs.lstatSync(abs, { bigint: true });
          visited.add(`${st.dev}:${st.ino}`);
          stack.push({ abs, rel });
        } else if (ent.isFile()) {
          const f = listOnly ? { rel, abs, size: -1, mtime_ns: '', inode: '', mode: 0 } : fileOf(rel, abs, fs.lstatSync(abs, { bigint: true }));
          if (f.size > 0) bytes += f.size;
          files.push(f);
          options.onFile?.(f);
        } else {
          issues.push({ path: rel, kind: 'skipped', message: 'not a regular file (FIFO, socket or device): skipped' });
        }
      } catch (e) {
        // Deleted between readdir and stat, or no permission to stat.
        issues.push({ path: rel, kind: 'unreadable', message: `cannot stat: ${code(e)}` });
      }
    }
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { kind: 'dir', files, issues };
}

function visitLink(
  abs: string,
  rel: string,
  realRoot: string,
  visited: Set<string>,
  stack: { abs: string; rel: string }[],
  issues: SnapshotIssue[],
): WalkFile | undefined {
  const text = fs.readlinkSync(abs);
  let target: BigStats;
  let real: string;
  try {
    target = fs.statSync(abs, { bigint: true });
    real = fs.realpathSync(abs);
  } catch (e) {
    const c = code(e);
    if (c === 'ELOOP') {
      issues.push({ path: rel, kind: 'loop', message: `symlink loop (${text}): not followed` });
    } else {
      issues.push({ path: rel, kind: 'broken-link', message: `symlink target ${text} is missing (${c})` });
    }
    return undefined;
  }
  const inside = isInside(realRoot, real);
  if (target.isDirectory()) {
    if (inside) return { ...fileOf(rel, abs, target, text), dirLink: true, size: 0 };
    const key = `${target.dev}:${target.ino}`;
    if (visited.has(key)) {
      issues.push({ path: rel, kind: 'loop', message: `symlink to a folder already walked (${text}): not followed again` });
      return undefined;
    }
    visited.add(key);
    stack.push({ abs, rel });
    return undefined;
  }
  if (!target.isFile()) {
    issues.push({ path: rel, kind: 'skipped', message: 'symlink to something that is not a regular file: skipped' });
    return undefined;
  }
  return inside ? fileOf(rel, abs, target, text) : fileOf(rel, abs, target);
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}
