import * as fs from 'node:fs';
import { findWorkspaceDir, workspacePaths, type WorkspacePaths } from '../core/workspace';
import { openStore, type Db } from '../core/store/database';

/**
 * The workspace a CLI command acts on. Read-only commands use `withReadStore`, which never creates
 * `.mlwb/` or `store.db`: a workspace without them simply has nothing to list.
 */
export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function findPaths(ctx: CliContext): WorkspacePaths | undefined {
  const dir = findWorkspaceDir(ctx.cwd, ctx.env);
  return dir ? workspacePaths(dir) : undefined;
}

export function withReadStore<T>(ctx: CliContext, empty: T, fn: (db: Db, paths: WorkspacePaths) => T): T {
  const paths = findPaths(ctx);
  if (!paths || !fs.existsSync(paths.storeFile)) return empty;
  const db = openStore(paths.storeFile);
  try {
    return fn(db, paths);
  } finally {
    db.close();
  }
}
