import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Handlers } from '../../../shared/messages';
import {
  DATA_PREVIEW_VIEW_TYPE,
  PAGE_SIZE,
  type DataPreviewInit,
  type FromDataPreview,
  type PreviewMode,
  type ToDataPreview,
  fromDataPreviewValidators,
  isDataPreviewState,
} from '../../../protocol/webview/dataPreview';
import { isImagePath } from '../../../protocol/data';
import { detectFormat } from '../../../core/data/table';
import { formatDateTime } from '../../../shared/format';
import { webviewHtml, webviewOptions } from '../../shared/webview/html';
import { connectPanel, type PanelChannel } from '../../shared/webview/messaging';
import { PanelRegistry } from '../../shared/webview/panelRegistry';
import { errorMessage } from '../../../shared/errors';
import { reportError } from '../../shared/errors';
import type { Contribution, ExtensionKit } from '../../shared/commands';

// Compile-time checks that the backend's shapes still fit what the webview renders.

export type DataPreviewDeps = ExtensionKit;

/** One preview panel (table/profile/gallery of a source, drift or diff of two snapshots). */
class DataPreviewPanel implements vscode.Disposable {
  private readonly channel: PanelChannel<ToDataPreview>;
  private init: DataPreviewInit;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly folder: vscode.WorkspaceFolder,
    init: DataPreviewInit,
    private readonly deps: DataPreviewDeps,
  ) {
    this.init = init;
    const handlers: Handlers<FromDataPreview> = {
      ready: () => this.load(),
      loadPage: (m) => this.page(m.offset, m.limit),
      loadGallery: (m) => this.gallery(m.offset, m.limit),
      showMode: (m) => this.switchMode(m.mode),
      openDiffFile: (m) => this.openDiffFile(m.path),
    };
    this.channel = connectPanel(panel.webview, fromDataPreviewValidators, handlers, deps.log);
  }

  private get backend() {
    return this.deps.backends.forFolder(this.folder);
  }

  private async switchMode(mode: PreviewMode): Promise<void> {
    if ((mode === 'table' || mode === 'profile') && (this.init.mode === 'table' || this.init.mode === 'profile')) {
      this.init = { ...this.init, mode };
      await this.load();
    }
  }

  private async load(): Promise<void> {
    const init = this.init;
    try {
      if (init.mode === 'table') return await this.page(0, PAGE_SIZE);
      if (init.mode === 'gallery') return await this.gallery(0, 48);
      if (init.mode === 'profile') {
        await this.channel.post({ type: 'loading', message: 'Profiling columns (one pass over the table)…' });
        const profile = await this.backend.request('data/profile', { source: init.source! });
        await this.channel.post({ type: 'profile', profile: profile });
        return;
      }
      const labels = await this.labels(init.a!, init.b!);
      if (init.mode === 'drift') {
        await this.channel.post({ type: 'loading', message: `Comparing ${init.path} between ${labels.a} and ${labels.b}…` });
        const drift = await this.backend.request('data/drift', { a: init.a!, b: init.b!, path: init.path!, pathB: init.pathB });
        await this.channel.post({ type: 'drift', drift: drift, labels, path: init.path || 'table' });
        return;
      }
      await this.channel.post({ type: 'loading', message: `Comparing ${labels.a} and ${labels.b}…` });
      const diff = await this.backend.request('data/diff', { a: init.a!, b: init.b! });
      await this.channel.post({ type: 'diff', diff: diff, labels });
    } catch (e) {
      await this.channel.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private async labels(a: string, b: string): Promise<{ a: string; b: string }> {
    const label = async (id: string) => {
      try {
        const { snapshot } = await this.backend.request('data/snapshot', { id });
        return snapshot.name ?? formatDateTime(snapshot.created_at);
      } catch {
        return id.slice(0, 12);
      }
    };
    const [la, lb] = await Promise.all([label(a), label(b)]);
    return la === lb ? { a: `${la} (A)`, b: `${lb} (B)` } : { a: la, b: lb };
  }

  private async page(offset: number, limit: number): Promise<void> {
    try {
      const page = await this.backend.request('data/tablePage', { source: this.init.source!, offset, limit });
      await this.channel.post({ type: 'page', page: page });
    } catch (e) {
      await this.channel.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private async gallery(offset: number, limit: number): Promise<void> {
    try {
      const g = await this.backend.request('data/images', { source: this.init.source!, offset, limit });
      const items = g.items.map((i) => ({ path: i.path, size: i.size, uri: this.panel.webview.asWebviewUri(vscode.Uri.file(i.file)).toString() }));
      await this.channel.post({ type: 'gallery', gallery: { name: g.name, offset: g.offset, total: g.total, items } });
    } catch (e) {
      await this.channel.post({ type: 'error', message: errorMessage(e) });
    }
  }

  private async openDiffFile(relPath: string): Promise<void> {
    if (this.init.mode !== 'diff' || !this.init.a || !this.init.b) return;
    const diff = await this.backend.request('data/diff', { a: this.init.a, b: this.init.b });
    const change = diff.files.find((f) => f.path === relPath);
    if (!change) return;
    const snapshot = change.status === 'removed' ? this.init.a : this.init.b;
    if (change.status === 'modified' && detectFormat(relPath)) {
      await vscode.commands.executeCommand('mlwb.data.openPreview', {
        folderUri: this.folder.uri.toString(),
        mode: 'drift',
        title: `Drift: ${relPath}`,
        a: this.init.a,
        b: this.init.b,
        path: relPath,
      } satisfies DataPreviewInit);
      return;
    }
    if (detectFormat(relPath)) {
      await vscode.commands.executeCommand('mlwb.data.openPreview', {
        folderUri: this.folder.uri.toString(),
        mode: 'table',
        title: `${path.posix.basename(relPath)} @ ${snapshot.slice(0, 8)}`,
        source: { snapshot, path: relPath },
      } satisfies DataPreviewInit);
      return;
    }
    void vscode.window.showInformationMessage(
      `ML Workbench: ${relPath} is ${isImagePath(relPath) ? 'an image' : 'not a table'}; preview shows tables (CSV, TSV, JSONL, Parquet) and image folders.`,
    );
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export function panelKey(init: DataPreviewInit): string {
  return JSON.stringify([
    init.folderUri,
    init.mode === 'profile' ? 'table' : init.mode,
    init.source?.snapshot ?? '',
    init.source?.path ?? '',
    init.a ?? '',
    init.b ?? '',
    init.path ?? '',
  ]);
}

/** The preview panels: `mlwb.data.openPreview` (internal, takes a DataPreviewInit) and the serializer. */
export function registerDataPreview(deps: DataPreviewDeps): Contribution<'mlwb.data.openPreview'> {
  const { backends, context } = deps;
  const panels = new PanelRegistry<DataPreviewPanel>();

  async function attach(panel: vscode.WebviewPanel, init: DataPreviewInit): Promise<DataPreviewPanel | undefined> {
    const folder = backends.folders().find((f) => f.uri.toString() === init.folderUri);
    if (!folder) return undefined;
    const { mlwbDir } = await backends.forFolder(folder).whenReady();
    // Images come from the workspace (folders) or from objects/ (snapshots).
    panel.webview.options = webviewOptions(context.extensionUri, [folder.uri, vscode.Uri.file(path.join(mlwbDir, 'objects'))]);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'dataPreview', init.title, init);
    return panels.add(panelKey(init), new DataPreviewPanel(panel, folder, init, deps));
  }

  async function open(init: DataPreviewInit): Promise<void> {
    const existing = panels.get(panelKey(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(DATA_PREVIEW_VIEW_TYPE, init.title, vscode.ViewColumn.Active, {
      enableFindWidget: true,
      retainContextWhenHidden: false,
    });
    try {
      if (!(await attach(panel, init))) {
        panel.dispose();
        void vscode.window.showErrorMessage(`ML Workbench: no open workspace folder ${init.folderUri}.`);
      }
    } catch (e) {
      panel.dispose();
      reportError(e, { action: 'could not open the preview', log: deps.log });
    }
  }

  const serializer: vscode.WebviewPanelSerializer = {
    async deserializeWebviewPanel(panel, state) {
      const attached = isDataPreviewState(state) ? await attach(panel, state.init).catch(() => undefined) : undefined;
      if (!attached) panel.dispose();
    },
  };

  return {
    commands: { 'mlwb.data.openPreview': (init: DataPreviewInit) => open(init) },
    disposables: [panels, vscode.window.registerWebviewPanelSerializer(DATA_PREVIEW_VIEW_TYPE, serializer)],
  };
}
