// The Deployments view (deploy issue) opens Try It panels with `mlwb.tryIt` and a TryItInit.
import * as vscode from 'vscode';
import { TRY_IT_VIEW_TYPE, type TryItInit, isTryItInit, isTryItState } from '../../../protocol/webview/tryIt';
import { webviewHtml, webviewOptions } from '../../shared/webview/html';
import { PanelRegistry } from '../../shared/webview/panelRegistry';
import { TryItPanel } from './panel';
import type { Contribution, ExtensionKit } from '../../shared/commands';

/** Arguments of `mlwb.tryIt`; `token` stays in the extension host. */
export type TryItArgs = TryItInit & { token?: string };

/** The Try It panels: the `mlwb.tryIt` command and a serializer so panels survive a window reload. */
export function registerTryIt(kit: ExtensionKit): Contribution<'mlwb.tryIt'> {
  const { context, log } = kit;
  const panels = new PanelRegistry<TryItPanel>();
  const key = (i: TryItInit): string => JSON.stringify([i.serverUrl, i.model, i.version ?? '']);
  const title = (i: TryItInit): string => `Try ${i.model}${i.version ? ` v${i.version}` : ''}`;

  function attach(panel: vscode.WebviewPanel, init: TryItInit, token?: string): TryItPanel {
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'tryIt', title(init), init);
    return panels.add(key(init), new TryItPanel(panel, init, token, log));
  }

  async function open(args?: TryItArgs): Promise<void> {
    const init = args && isTryItInit(args) ? { serverUrl: args.serverUrl, model: args.model, ...(args.version ? { version: args.version } : {}) } : await ask();
    if (!init) return;
    const existing = panels.get(key(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(TRY_IT_VIEW_TYPE, title(init), vscode.ViewColumn.Active, { retainContextWhenHidden: false });
    attach(panel, init, args?.token);
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
    deserializeWebviewPanel(panel, state) {
      // A restored panel has no token (it was never saved); a server that needs one answers 401 in the panel.
      if (isTryItState(state)) attach(panel, state.init);
      else panel.dispose();
      return Promise.resolve();
    },
  };

  return {
    commands: { 'mlwb.tryIt': (args?: TryItArgs) => open(args) },
    disposables: [panels, vscode.window.registerWebviewPanelSerializer(TRY_IT_VIEW_TYPE, serializer)],
  };
}
