import * as vscode from 'vscode';
import { tableParams } from './tableParams';
import type { Handlers } from '../../../shared/messages';
import { buildCsv } from '../../../shared/csv';
import { type CompareInit, type FromCompare, STAR_TAG, type TableQuery, type ToCompare, fromCompareValidators } from '../../../protocol/webview/compare';
import type { BackendPool } from '../../backend/backendPool';
import { connectPanel, type PanelChannel } from '../../shared/webview/messaging';
import { Refresher } from '../../shared/refresher';
import { pngBytes, safeFileName } from './target';
import { errorMessage } from '../../../shared/errors';

// Compile-time checks that the backend's shapes still fit what the webview renders.

/** Live runs notify many times a second; the page re-queries at most twice a second. */
const CHANGE_INTERVAL_MS = 500;
const CSV_PAGE = 5000;

export interface ComparePanelDeps {
  backends: BackendPool;
  log: vscode.LogOutputChannel;
}

/**
 * One Compare Runs panel: answers the page's table and series requests within the panel's scope,
 * stars runs (a tag, recorded in the event log so rebuilds keep it), saves CSV and PNG exports,
 * and forwards store changes (throttled) so the page refreshes what it shows.
 */
export class ComparePanel implements vscode.Disposable {
  private readonly channel: PanelChannel<ToCompare>;
  private readonly changedRuns = new Set<string>();
  private anyChange = false;
  private readonly notifier = new Refresher(() => this.flushChanges(), CHANGE_INTERVAL_MS);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly folder: vscode.WorkspaceFolder,
    readonly init: CompareInit,
    private readonly deps: ComparePanelDeps,
  ) {
    const handlers: Handlers<FromCompare> = {
      ready: () => undefined,
      table: (m) => this.table(m.requestId, m.query),
      series: async (m) => {
        const { series } = await this.backend().request('runs/series', { ...m.request, runIds: this.inScope(m.request.runIds) });
        await this.channel.post({ type: 'series', requestId: m.requestId, series });
      },
      star: async (m) => {
        await this.backend().request('runs/edit', { id: m.runId, edit: { field: 'tag', key: STAR_TAG, value: m.starred ? 'true' : null } });
      },
      openRun: async (m) => {
        await vscode.commands.executeCommand('mlwb.openRun', { folderUri: init.folderUri, runId: m.runId });
      },
      exportCsv: (m) => this.exportCsv(m.query, m.columns),
      savePng: (m) => this.savePng(m.dataUrl, m.name),
    };
    this.channel = connectPanel(panel.webview, fromCompareValidators, handlers, deps.log);
    this.disposables.push(this.channel, { dispose: () => this.notifier.dispose() });
  }

  private backend() {
    return this.deps.backends.forFolder(this.folder);
  }

  /** Series only for runs the panel's scope holds (the page is untrusted, the scope is ours). */
  private inScope(runIds: string[]): string[] {
    const allowed = this.init.scope.runIds;
    return allowed ? runIds.filter((id) => allowed.includes(id)) : runIds;
  }

  private async table(requestId: number, q: TableQuery): Promise<void> {
    try {
      const r = await this.backend().request('runs/table', tableParams(q, this.init.scope));
      if (r.filterError) await this.channel.post({ type: 'tableError', requestId, problem: r.filterError });
      else await this.channel.post({ type: 'table', requestId, page: r.table });
    } catch (e) {
      await this.channel.post({ type: 'tableError', requestId, problem: { message: errorMessage(e) } });
    }
  }

  private async exportCsv(q: TableQuery, columns: { id: string; label: string }[]): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.folder.uri, safeFileName(this.init.title.replace(/^Compare:?\s*/, 'runs-'), 'csv')),
      filters: { CSV: ['csv'] },
      title: 'Export Runs as CSV',
    });
    if (!target) return;
    const ids: string[] = [];
    const cells: Record<string, (string | number | null)[]> = {};
    const wanted = columns.map((c) => c.id);
    for (let offset = 0; ; offset += CSV_PAGE) {
      const r = await this.backend().request('runs/table', tableParams({ ...q, offset, limit: CSV_PAGE, catalogue: false, columns: wanted }, this.init.scope));
      if (!r.table) throw new Error(r.filterError.message);
      ids.push(...r.table.ids);
      for (const id of wanted) (cells[id] ??= []).push(...(r.table.cells[id] ?? r.table.ids.map(() => null)));
      if (offset + CSV_PAGE >= r.table.total) break;
    }
    await vscode.workspace.fs.writeFile(target, Buffer.from(buildCsv(columns, ids, cells), 'utf8'));
    void vscode.window.showInformationMessage(`ML Workbench: exported ${ids.length} runs to ${vscode.workspace.asRelativePath(target)}.`);
  }

  private async savePng(dataUrl: string, name: string): Promise<void> {
    const bytes = pngBytes(dataUrl);
    if (!bytes) return this.deps.log.warn('Compare: refused a chart export that is not a PNG');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.folder.uri, safeFileName(name, 'png')),
      filters: { PNG: ['png'] },
      title: 'Save Chart as PNG',
    });
    if (target) await vscode.workspace.fs.writeFile(target, bytes);
  }

  /** From the pool's store/changed; an empty list means anything may have changed. */
  onStoreChanged(runIds: readonly string[]): void {
    if (runIds.length === 0) this.anyChange = true;
    for (const id of runIds) this.changedRuns.add(id);
    this.notifier.request();
  }

  private async flushChanges(): Promise<void> {
    const runIds = this.anyChange ? [] : [...this.changedRuns];
    this.anyChange = false;
    this.changedRuns.clear();
    await this.channel.post({ type: 'changed', runIds });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
