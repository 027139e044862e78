import { cellRunsForNotebook } from '../core/code/cellRuns';
import { unifiedDiff } from '../core/code/lineDiff';
import { getRunCode } from '../core/code/runCode';
import type { Db } from '../core/store/database';
import type { RequestHandlers } from '../protocol/backend';
import type { BackendState } from './handlers';
import type { WorkspaceService } from './workspaceService';
import { WorkspaceWatcher } from './workspaceWatcher';

type CodeMethods = 'entryPoints/list' | 'code/get' | 'code/diff' | 'notebooks/cellRuns';

/**
 * Requests about code: entry points (the workspace watcher, started on first use so a backend
 * that nobody asks costs no watches), code versions of runs, and runs per notebook cell.
 */
export class CodeRequests {
  private folder: string | undefined;
  private watcher: WorkspaceWatcher | undefined;
  private excludesKey = '';

  constructor(private readonly state: BackendState) {}

  /** Called by initialize: a new folder means a new watcher, created when first asked. */
  async reset(workspaceFolder: string): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
    this.folder = workspaceFolder;
  }

  private async entryPoints(excludes: string[] | undefined) {
    if (!this.folder) return [];
    const key = JSON.stringify([...(excludes ?? [])].sort());
    if (this.watcher && excludes !== undefined && key !== this.excludesKey) {
      await this.watcher.close();
      this.watcher = undefined;
    }
    if (!this.watcher) {
      this.excludesKey = key;
      this.watcher = new WorkspaceWatcher(
        this.folder,
        {
          changed: () => this.state.notify('entryPoints/changed', {}),
          warn: (message) => this.state.notify('warning', { message }),
        },
        { excludes: excludes ?? [] },
      );
      this.watcher.start();
    }
    await this.watcher.ready();
    return this.watcher.list();
  }

  handlers(service: () => WorkspaceService, requireStore: (id: string) => Db): Pick<RequestHandlers, CodeMethods> {
    return {
      'entryPoints/list': ({ excludes }) => this.entryPoints(excludes),
      'code/get': ({ id, view }) => getRunCode(requireStore(id), service().paths, id, view),
      'code/diff': ({ a, b, view }) => {
        const da = getRunCode(requireStore(a), service().paths, a, view);
        const db = getRunCode(requireStore(b), service().paths, b, view);
        return { a: da, b: db, unified: unifiedDiff(da.text, db.text, `${da.runName}/${da.fileName}`, `${db.runName}/${db.fileName}`) };
      },
      'notebooks/cellRuns': ({ path }) => {
        const db = service().store();
        return db ? cellRunsForNotebook(db, service().paths.runsDir, path) : [];
      },
    };
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }
}
