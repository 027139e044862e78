import * as path from 'node:path';
import { openStore, type Db } from '../../src/core/store/database';
import { ensureWorkspace, type WorkspacePaths } from '../../src/core/workspace';
import { makeTempDir } from './tmp';

/** A workspace in a fresh temporary folder with its store open (the ingest tests' fixture). */
export interface TempStore {
  tmp: ReturnType<typeof makeTempDir>;
  paths: WorkspacePaths;
  db: Db;
}

/** Call in `beforeEach`; pass what it returned to closeTempStore in `afterEach`. */
export function openTempStore(): TempStore {
  const tmp = makeTempDir();
  const paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
  return { tmp, paths, db: openStore(paths.storeFile) };
}

export function closeTempStore(tmp: TempStore['tmp'], db: Db): void {
  db.close();
  tmp.cleanup();
}
