import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspacePaths } from '../workspace';

/** The folder that holds `.mlwb/`: dataset names are relative to it. */
export function workspaceRoot(paths: WorkspacePaths): string {
  return path.dirname(paths.root);
}

/** Workspace-relative, `/`-separated name of a path ('.' for the root, absolute when outside). */
export function datasetName(paths: WorkspacePaths, abs: string): string {
  const rel = path.relative(workspaceRoot(paths), path.resolve(abs));
  if (rel === '') return '.';
  if (isOutside(rel)) return path.resolve(abs);
  return rel.split(path.sep).join('/');
}

/** A relative path that leaves its base: `..` or `../…` (a name such as `..data` stays inside). */
export function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
}

/** Whether `abs` is the workspace folder or inside it, also after resolving symbolic links. */
export function isInsideWorkspace(paths: WorkspacePaths, abs: string): boolean {
  const root = workspaceRoot(paths);
  if (isOutside(path.relative(root, path.resolve(abs)))) return false;
  try {
    return !isOutside(path.relative(fs.realpathSync(root), fs.realpathSync(abs)));
  } catch {
    return true; // does not exist (yet): the lexical check above decides
  }
}

/** The absolute path a dataset name stands for. */
export function datasetPath(paths: WorkspacePaths, dataset: string): string {
  return path.isAbsolute(dataset) ? dataset : path.resolve(workspaceRoot(paths), ...dataset.split('/'));
}

/**
 * A file whose mtime is not safely before the previous scan began may have changed after it
 * was hashed without its stats showing it ("racy" in git's words: the clock the kernel stamps
 * files with is coarse, and some filesystems keep whole seconds), so it is hashed again.
 */
export function isRacy(mtimeNs: string, prevScanStartMs: number): boolean {
  const m = BigInt(mtimeNs);
  const start = BigInt(Math.floor(prevScanStartMs)) * 1_000_000n;
  const slack = m % 1_000_000_000n === 0n ? 1_000_000_000n : 50_000_000n;
  return m >= start - slack;
}
