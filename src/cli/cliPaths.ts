import { findWorkspaceDir, workspacePaths, type WorkspacePaths } from '../core/workspace';

/**
 * Where a CLI command runs and which workspace that is, without context.ts's catch-up of the
 * store (the ingest code it loads was about 4 ms of every snapshot's start-up, which needs none).
 */
export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function findPaths(ctx: CliContext): WorkspacePaths | undefined {
  const dir = findWorkspaceDir(ctx.cwd, ctx.env);
  return dir ? workspacePaths(dir) : undefined;
}
