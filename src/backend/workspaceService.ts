import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../core/store/database';
import { workspacePaths, type WorkspacePaths, WORKSPACE_DIR_NAME } from '../core/workspace';
import { cleanStaleTemp } from '../core/snapshots/objects';
import { LiveIngest, type LiveIngestEvents } from './liveIngest';

/**
 * Owns one workspace folder's store and live ingest for the backend process. Nothing is created
 * in the folder until `.mlwb/` exists (the first tracked run or command creates it): opening a
 * workspace in VS Code must not litter it. Until then a cheap timer looks for the folder.
 */
export class WorkspaceService {
  readonly paths: WorkspacePaths;
  private db: Db | undefined;
  private live: LiveIngest | undefined;
  private appearTimer: NodeJS.Timeout | undefined;
  private appearWatcher: fs.FSWatcher | undefined;

  constructor(
    workspaceFolder: string,
    mlwbDir: string | undefined,
    private readonly events: LiveIngestEvents,
  ) {
    this.paths = workspacePaths(mlwbDir ?? path.join(workspaceFolder, WORKSPACE_DIR_NAME));
  }

  hasWorkspace(): boolean {
    return fs.existsSync(this.paths.root);
  }

  /** Opens the store and starts following the run logs, now or as soon as `.mlwb/` appears. */
  start(): void {
    if (this.store()) return;
    const check = () => {
      if (!this.hasWorkspace() || this.db) return;
      this.stopLookingForWorkspace();
      this.store();
      this.events.changed([]);
    };
    // Watching the parent folder (not recursive: one watch) sees the first run's `.mlwb/` at once;
    // the timer covers file systems where fs.watch reports nothing.
    try {
      this.appearWatcher = fs.watch(path.dirname(this.paths.root), check);
      this.appearWatcher.on('error', () => undefined);
    } catch {
      this.appearWatcher = undefined;
    }
    this.appearTimer = setInterval(check, 1000);
    this.appearTimer.unref();
  }

  private stopLookingForWorkspace(): void {
    clearInterval(this.appearTimer);
    this.appearWatcher?.close();
    this.appearWatcher = undefined;
  }

  /** The open store, or undefined while the workspace has no `.mlwb/` folder. */
  store(): Db | undefined {
    if (this.db) return this.db;
    if (!this.hasWorkspace()) return undefined;
    this.db = openStore(this.paths.storeFile);
    cleanStaleTemp(this.paths.objectsDir);
    this.live = new LiveIngest(this.db, this.paths, this.events);
    this.live.start();
    return this.db;
  }

  /** Links the inputs that were skipped while the workspace was untrusted. */
  relinkInputs(): void {
    this.live?.relinkSkippedInputs();
  }

  /** Ingests one run right away (after an edit) and waits until the store reflects it. */
  async refreshRun(runId: string): Promise<void> {
    this.live?.touch(runId);
    await this.live?.idle();
  }

  async close(): Promise<void> {
    this.stopLookingForWorkspace();
    await this.live?.close();
    this.db?.close();
    this.db = undefined;
  }
}
