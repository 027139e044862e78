import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from './errors';

/** The name of the workspace data folder, found like git finds `.git`. */
export const WORKSPACE_DIR_NAME = '.mlwb';

/** Paths inside one `.mlwb/` folder (see docs/architecture.md, "Workspace layout"). */
export interface WorkspacePaths {
  readonly root: string;
  readonly storeFile: string;
  readonly runsDir: string;
  readonly objectsDir: string;
}

export function workspacePaths(mlwbDir: string): WorkspacePaths {
  const root = path.resolve(mlwbDir);
  return {
    root,
    storeFile: path.join(root, 'store.db'),
    runsDir: path.join(root, 'runs'),
    objectsDir: path.join(root, 'objects'),
  };
}

export function runDir(paths: WorkspacePaths, runId: string): string {
  return path.join(paths.runsDir, runId);
}

/**
 * Finds the `.mlwb/` folder for `startDir`: `MLWB_DIR` wins, else the nearest ancestor holding a
 * `.mlwb/` folder. Returns undefined when there is none; callers that only read must not create one.
 */
export function findWorkspaceDir(startDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['MLWB_DIR'];
  if (fromEnv) return path.resolve(startDir, fromEnv);
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, WORKSPACE_DIR_NAME);
    if (isDirectory(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Where a command that writes should put the workspace: the found one, else `.mlwb/` at the
 * enclosing git repository's root, else in `startDir` (the Python client follows the same rule).
 */
export function resolveWorkspaceDirForWrite(startDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = findWorkspaceDir(startDir, env);
  if (found) return found;
  const start = path.resolve(startDir);
  return path.join(findAncestorWith(start, '.git') ?? start, WORKSPACE_DIR_NAME);
}

function findAncestorWith(start: string, entry: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, entry))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Creates the `.mlwb/` layout, with an error that says why when the folder is not writable. */
export function ensureWorkspace(mlwbDir: string): WorkspacePaths {
  const paths = workspacePaths(mlwbDir);
  try {
    fs.mkdirSync(paths.runsDir, { recursive: true });
    fs.mkdirSync(paths.objectsDir, { recursive: true });
    fs.accessSync(paths.root, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') {
      throw new MlwbError(
        `Cannot write the ML Workbench folder ${paths.root}: the folder is read-only (${code}). ` + 'Make it writable, or set MLWB_DIR to a writable folder.',
        'WORKSPACE_NOT_WRITABLE',
      );
    }
    throw e;
  }
  return paths;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
