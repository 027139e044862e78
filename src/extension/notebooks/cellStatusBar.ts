import * as vscode from 'vscode';
import { type CellRun, runForCell } from '../../core/code/cellMatch';
import { STATUS_ICON } from '../../shared/format';
import type { RunStatus } from '../../shared/runModel';
import type { BackendPool } from '../backend/backendPool';
import { Refresher } from '../shared/refresher';

/** What the item says; e2e tests look for it (docs/notebooks.md). */
export function cellItemText(run: CellRun): string {
  const icon = STATUS_ICON[run.status as RunStatus] ?? 'beaker';
  return `$(${icon}) ${run.name}${run.keyMetric ? ` · ${run.keyMetric.key} ${run.keyMetric.value}` : ` · ${run.status}`}`;
}

/**
 * A status-bar item on each notebook cell that produced a run: the newest run's name and key
 * metric; clicking opens the run. The runs of a notebook are fetched once and cached until the
 * store changes, because VS Code asks for every cell separately.
 */
export class RunCellStatusBarProvider implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.changed.event;
  private readonly cache = new Map<string, Promise<CellRun[]>>();
  private readonly disposables: vscode.Disposable[];
  // Training reports changes many times a second; the items need not follow faster than this.
  private readonly refresher = new Refresher(async () => {
    this.cache.clear();
    this.changed.fire();
  }, 500);

  constructor(private readonly backends: BackendPool) {
    this.disposables = [
      this.changed,
      this.refresher,
      backends.onDidChangeStore(() => this.refresher.request()),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.cache.delete(nb.uri.toString())),
    ];
  }

  async provideCellStatusBarItems(cell: vscode.NotebookCell): Promise<vscode.NotebookCellStatusBarItem | undefined> {
    if (cell.kind !== vscode.NotebookCellKind.Code || cell.notebook.uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(cell.notebook.uri);
    if (!folder) return undefined;
    const run = runForCell(await this.runsOf(folder, cell.notebook.uri), { id: cell.document.uri.toString(), text: cell.document.getText() });
    if (!run) return undefined;
    const item = new vscode.NotebookCellStatusBarItem(cellItemText(run), vscode.NotebookCellStatusBarAlignment.Right);
    item.command = { title: 'Open Run', command: 'mlwb.openRun', arguments: [{ folderUri: folder.uri.toString(), runId: run.runId }] };
    const metric = run.keyMetric ? `, ${run.keyMetric.key} ${run.keyMetric.value}` : '';
    item.tooltip = `ML Workbench run ${run.name} (${run.runId}), ${run.status}${metric}. Click to open it.`;
    item.accessibilityInformation = { label: `ML Workbench run ${run.name}, ${run.status}${metric}` };
    return item;
  }

  private runsOf(folder: vscode.WorkspaceFolder, notebook: vscode.Uri): Promise<CellRun[]> {
    const key = notebook.toString();
    let runs = this.cache.get(key);
    if (!runs) {
      runs = this.backends
        .forFolder(folder)
        .request('notebooks/cellRuns', { path: notebook.fsPath })
        .catch(() => [] as CellRun[]);
      this.cache.set(key, runs);
    }
    return runs;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
