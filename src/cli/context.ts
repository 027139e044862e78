import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspacePaths } from '../core/workspace';
import { type CliContext, findPaths } from './cliPaths';
import { openStore, type Db } from '../core/store/database';
import { catchUpWorkspace } from '../core/ingest/catchUp';
import { sweepDeadRuns } from '../core/ingest/liveness';

/**
 * The workspace a CLI command acts on. Commands that read use `withCurrentStore`: it never creates
 * a `.mlwb/` folder (a folder without one simply has nothing to list), and where one exists it
 * first catches the store up with the run event logs, so the CLI is current without VS Code.
 */
export { type CliContext, findPaths } from './cliPaths';

/**
 * Why a read found nothing to read, for plain-text output: no `.mlwb/` here or above (or
 * MLWB_DIR names a missing folder), where it looked, and how to make one. Undefined when a
 * workspace exists. JSON output stays an empty result, which is what scripts expect.
 */
export function missingWorkspaceMessage(ctx: CliContext): string | undefined {
  const paths = findPaths(ctx);
  if (paths && fs.existsSync(paths.root)) return undefined;
  const where = ctx.env['MLWB_DIR']
    ? `MLWB_DIR points at ${paths?.root ?? ctx.env['MLWB_DIR']}, which does not exist.`
    : `No ML Workbench workspace found: no .mlwb folder in ${path.resolve(ctx.cwd)} or any folder above it.`;
  return [
    where,
    'To create one, log a run from this folder (Python: `import mlwb`, then `with mlwb.start_run() as run:`)',
    'or snapshot data with `mlwb snapshot create <path>`; to use a workspace elsewhere, set MLWB_DIR to its .mlwb folder.',
  ].join('\n');
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
