import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../core/store/database';
import { workspacePaths, type WorkspacePaths, WORKSPACE_DIR_NAME } from '../core/workspace';

/**
 * Owns one workspace folder's store for the backend process. The store is opened on first use and
 * only once `.mlwb/` exists: opening a workspace in VS Code must not create files in it.
 */
export class WorkspaceService {
  readonly paths: WorkspacePaths;
  private db: Db | undefined;

  constructor(workspaceFolder: string, mlwbDir?: string) {
    this.paths = workspacePaths(mlwbDir ?? path.join(workspaceFolder, WORKSPACE_DIR_NAME));
  }

  hasWorkspace(): boolean {
    return fs.existsSync(this.paths.root);
  }

  /** The open store, or undefined while the workspace has no `.mlwb/` folder. */
  store(): Db | undefined {
    if (this.db) return this.db;
    if (!this.hasWorkspace()) return undefined;
    this.db = openStore(this.paths.storeFile);
    return this.db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}
