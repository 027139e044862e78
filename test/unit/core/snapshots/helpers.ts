import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../../../../src/core/store/database';
import { ensureWorkspace, type WorkspacePaths } from '../../../../src/core/workspace';
import type { HashFs } from '../../../../src/core/snapshots/hashFile';
import type { Manifest, ManifestEntry } from '../../../../src/core/snapshots/model';
import { makeTempDir } from '../../../helpers/tmp';

export interface Ws {
  dir: string;
  paths: WorkspacePaths;
  db: Db;
  cleanup: () => void;
}

/** A temp workspace with `.mlwb/` and an open store. */
export function workspace(): Ws {
  const tmp = makeTempDir('mlwb-snap-');
  const paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
  const db = openStore(paths.storeFile);
  return {
    dir: tmp.dir,
    paths,
    db,
    cleanup: () => {
      db.close();
      tmp.cleanup();
    },
  };
}

/** A manifest entry with zero stats: only path, size, content hash and link target matter to a diff. */
export const entry = (p: string, sha: string, size = 1, link?: string): ManifestEntry => ({
  path: p,
  size,
  mtime_ns: '0',
  inode: '0',
  sha256: sha,
  mode: 0o644,
  ...(link ? { link } : {}),
});

/** A folder snapshot's manifest of `entries`. */
export const manifest = (...entries: ManifestEntry[]): Manifest => ({ version: 1, kind: 'dir', entries });

/**
 * Writes a file with its mtime an hour back, so the incremental rule's "racy" guard (files
 * modified around the previous scan are re-read) does not apply to fixtures.
 */
export function put(root: string, rel: string, content: string | Buffer, old = true): string {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (old) {
    const t = new Date(Date.now() - 3600_000);
    fs.utimesSync(file, t, t);
  }
  return file;
}

/** node:fs with counted opens/reads per path and injectable failures, for the inline hasher. */
export interface HookedFs extends HashFs {
  opens: Map<string, number>;
  failOpen: Set<string>;
  /** Called after each read of `file`; a test can modify the file mid-hash. */
  afterRead?: (file: string) => void;
  /** Makes object writes fail as on a full disk. */
  failWrites?: boolean;
}

export function hookedFs(): HookedFs {
  const fdPath = new Map<number, string>();
  const hooked: HookedFs = {
    ...fs,
    opens: new Map(),
    failOpen: new Set(),
    openSync: ((p: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const file = String(p);
      if (flags === 'r' || flags === undefined) {
        if (hooked.failOpen.has(file)) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
        hooked.opens.set(file, (hooked.opens.get(file) ?? 0) + 1);
      }
      const fd = fs.openSync(p, flags ?? 'r', mode);
      fdPath.set(fd, file);
      return fd;
    }) as typeof fs.openSync,
    writeSync: ((...args: unknown[]) => {
      if (hooked.failWrites) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync,
    readSync: ((fd: number, ...rest: unknown[]) => {
      const n = (fs.readSync as (...a: unknown[]) => number)(fd, ...rest);
      const file = fdPath.get(fd);
      if (file && n > 0) hooked.afterRead?.(file);
      return n;
    }) as typeof fs.readSync,
  } as HookedFs;
  return hooked;
}

export function countObjects(objectsDir: string): number {
  let n = 0;
  for (const d of fs.readdirSync(objectsDir)) {
    if (d === 'tmp') continue;
    n += fs.readdirSync(path.join(objectsDir, d)).length;
  }
  return n;
}
