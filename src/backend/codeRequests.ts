import { cellRunsForNotebook } from '../core/code/cellRuns';
import { unifiedDiff } from '../core/code/lineDiff';
import { getRunCode } from '../core/code/runCode';
import type { BackendContext, RequestGroup } from './requestGroup';
import { WorkspaceWatcher } from './workspaceWatcher';

type CodeMethods = 'entryPoints/list' | 'code/get' | 'code/diff' | 'notebooks/cellRuns';

/**
 * Requests about code: entry points (the workspace watcher, started on first use so a backend
 * that nobody asks costs no watches), code versions of runs, and runs per notebook cell.
 */
export class CodeRequests implements RequestGroup<CodeMethods> {
  private folder: string | undefined;
  private watcher: WorkspaceWatcher | undefined;
  private excludesKey = '';

  readonly handlers: RequestGroup<CodeMethods>['handlers'];

  constructor(private readonly ctx: BackendContext) {
    this.handlers = this.table();
  }

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
          changed: () => this.ctx.notify('entryPoints/changed', {}),
          warn: (message) => this.ctx.notify('warning', { message }),
        },
        { excludes: excludes ?? [] },
      );
      this.watcher.start();
    }
    await this.watcher.ready();
    return this.watcher.list();
  }

  private table(): RequestGroup<CodeMethods>['handlers'] {
    const service = () => this.ctx.service();
    const requireStore = (id: string) => this.ctx.requireStore(id);
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
