import * as fs from 'node:fs';
import { findWorkspaceDir, workspacePaths, type WorkspacePaths } from '../core/workspace';
import { openStore, type Db } from '../core/store/database';
import { catchUpWorkspace } from '../core/ingest/catchUp';
import { sweepDeadRuns } from '../core/ingest/liveness';

/**
 * The workspace a CLI command acts on. Commands that read use `withCurrentStore`: it never creates
 * a `.mlwb/` folder (a folder without one simply has nothing to list), and where one exists it
 * first catches the store up with the run event logs, so the CLI is current without VS Code.
 */
export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function findPaths(ctx: CliContext): WorkspacePaths | undefined {
  const dir = findWorkspaceDir(ctx.cwd, ctx.env);
  return dir ? workspacePaths(dir) : undefined;
}

export function withCurrentStore<T>(ctx: CliContext, empty: T, fn: (db: Db, paths: WorkspacePaths) => T): T {
  const paths = findPaths(ctx);
  if (!paths || !fs.existsSync(paths.root)) return empty;
  const hasLogs = fs.existsSync(paths.runsDir);
  if (!hasLogs && !fs.existsSync(paths.storeFile)) return empty;
  const db = openStore(paths.storeFile);
  try {
    catchUpWorkspace(db, paths);
    sweepDeadRuns(db);
    return fn(db, paths);
  } finally {
    db.close();
  }
}
