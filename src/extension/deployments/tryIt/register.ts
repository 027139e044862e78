// The Deployments view (deploy issue) opens Try It panels with `mlwb.tryIt` and a TryItInit; the
// Models view opens them on a registered version ({model, version, workspaceFolder}, no serverUrl),
// for which the folder's backend starts a temporary loopback server that stops with the panel.
import * as vscode from 'vscode';
import type { BackendProcess } from '../../backend/backendProcess';
import { TRY_IT_VIEW_TYPE, type TryItInit, isTryItInit, isTryItState } from '../../../protocol/webview/tryIt';
import { webviewHtml, webviewOptions } from '../../shared/webview/html';
import { PanelRegistry } from '../../shared/webview/panelRegistry';
import { reportError } from '../../shared/errors';
import { TryItPanel } from './panel';
import { noticeHtml, restoreTarget } from './restore';
import type { Contribution, ExtensionKit } from '../../shared/commands';

/**
 * Arguments of `mlwb.tryIt`: a running server (`serverUrl`, `token` stays in the extension host),
 * or a registered version without `serverUrl`. `workspaceFolder` (a path) picks the backend whose
 * registry has the version; default: the first folder.
 */
export type TryItArgs = (TryItInit & { token?: string; workspaceFolder?: string }) | { model: string; version: string; workspaceFolder?: string };

function isVersionArgs(v: unknown): v is { model: string; version: string; workspaceFolder?: string } {
  const r = v as Record<string, unknown> | undefined;
  return typeof r === 'object' && r !== null && r['serverUrl'] === undefined && typeof r['model'] === 'string' && typeof r['version'] === 'string';
}

/** The Try It panels: the `mlwb.tryIt` command and a serializer so panels survive a window reload. */
export function registerTryIt(kit: ExtensionKit): Contribution<'mlwb.tryIt'> {
  const { context, log, backends } = kit;
  /** The backend of the folder at `fsPath`, else of the first folder; undefined without a folder. */
  const backendFor = (fsPath?: string): BackendProcess | undefined => {
    const folders = backends.folders();
    const folder = folders.find((f) => f.uri.fsPath === fsPath) ?? folders[0];
    return folder ? backends.forFolder(folder) : undefined;
  };
  const panels = new PanelRegistry<TryItPanel>();
  const key = (i: TryItInit): string => JSON.stringify([i.serverUrl, i.model, i.version ?? '']);
  const title = (i: TryItInit): string => `Try ${i.model}${i.version ? ` v${i.version}` : ''}`;

  function attach(panel: vscode.WebviewPanel, init: TryItInit, token?: string, backend?: BackendProcess, onClose?: () => void): TryItPanel {
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'tryIt', title(init), init);
    // Lineage (feature names, a training row) from the registry, when a backend has the version.
    const sample = backend ? (ref: string) => backend.request('tryIt/sample', { ref }) : undefined;
    if (onClose) panel.onDidDispose(onClose);
    return panels.add(key(init), new TryItPanel(panel, init, token, log, sample));
  }

  /** A temporary server for a registered version, started by the folder's backend. */
  async function startForVersion(a: { model: string; version: string; workspaceFolder?: string }): Promise<void> {
    const backend = backendFor(a.workspaceFolder);
    if (!backend) {
      void vscode.window.showInformationMessage('Open a workspace folder with an ML Workbench registry to try a model version.');
      return;
    }
    const ref = `${a.model}:${a.version}`;
    let server;
    try {
      server = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting a model server for ${ref}…` }, () =>
        backend.request('tryIt/start', { ref }),
      );
    } catch (e) {
      reportError(e, { action: `Try It on ${ref}`, log });
      return;
    }
    // Marked temporary: a panel restored after a window reload starts a new server (restore.ts).
    const temporary = a.workspaceFolder !== undefined ? { workspaceFolder: a.workspaceFolder } : {};
    const init: TryItInit = { serverUrl: server.serverUrl, model: server.model, version: server.version, temporary };
    const existing = panels.get(key(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(TRY_IT_VIEW_TYPE, title(init), vscode.ViewColumn.Active, { retainContextWhenHidden: false });
    attach(panel, init, undefined, backend, () => void backend.request('tryIt/stop', { serverUrl: server.serverUrl }).catch(() => undefined));
  }

  async function open(args?: TryItArgs): Promise<void> {
    if (isVersionArgs(args)) return startForVersion(args);
    const init = args && isTryItInit(args) ? { serverUrl: args.serverUrl, model: args.model, ...(args.version ? { version: args.version } : {}) } : await ask();
    if (!init) return;
    const backend = backendFor(args && 'workspaceFolder' in args ? args.workspaceFolder : undefined);
    const existing = panels.get(key(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(TRY_IT_VIEW_TYPE, title(init), vscode.ViewColumn.Active, { retainContextWhenHidden: false });
    attach(panel, init, args && 'token' in args ? args.token : undefined, backend);
  }

  /** From the palette: the server URL, then the model. */
  async function ask(): Promise<TryItInit | undefined> {
    const serverUrl = await vscode.window.showInputBox({
      title: 'Try It: model server URL',
      value: 'http://127.0.0.1:8080',
      validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v) ? undefined : 'An http:// URL, e.g. http://127.0.0.1:8080'),
    });
    if (!serverUrl) return undefined;
    const model = await vscode.window.showInputBox({
      title: 'Try It: model name (name or name:version)',
      validateInput: (v) => (/^[^\s:]+(:[^\s:]+)?$/.test(v) ? undefined : 'name or name:version'),
    });
    if (!model) return undefined;
    const [name, version] = model.split(':');
    return { serverUrl: serverUrl.replace(/\/+$/, ''), model: name!, ...(version ? { version } : {}) };
  }

  const serializer: vscode.WebviewPanelSerializer = {
    async deserializeWebviewPanel(panel, state) {
      if (!isTryItState(state)) return panel.dispose();
      // A restored panel has no token (it was never saved); a server that needs one answers 401 in the panel.
      const backend = backendFor(state.init.temporary?.workspaceFolder);
      if (state.init.temporary) panel.webview.html = noticeHtml(title(state.init), `Starting a model server for ${state.init.model}:${state.init.version}…`);
      const r = await restoreTarget(state.init, backend ? (ref) => backend.request('tryIt/start', { ref }) : undefined);
      if (r.kind === 'failed') {
        panel.webview.html = noticeHtml(title(state.init), r.message);
        return;
      }
      const stop = r.owned && backend ? () => void backend.request('tryIt/stop', { serverUrl: r.init.serverUrl }).catch(() => undefined) : undefined;
      attach(panel, r.init, undefined, backend, stop);
    },
  };

  return {
    commands: { 'mlwb.tryIt': (args?: TryItArgs) => open(args) },
    disposables: [panels, vscode.window.registerWebviewPanelSerializer(TRY_IT_VIEW_TYPE, serializer)],
  };
}
