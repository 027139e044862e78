import * as vscode from 'vscode';
import { COMPARE_VIEW_TYPE, type CompareInit, isCompareState } from '../../../protocol/webview/compare';
import type { BackendPool } from '../../backend/backendPool';
import { webviewHtml, webviewOptions } from '../../shared/webview/html';
import { PanelRegistry } from '../../shared/webview/panelRegistry';
import type { Contribution, ExtensionKit } from '../../shared/commands';
import { ComparePanel } from './panel';
import { compareKey, titleOf, toCompareTarget } from './target';

/** Compare Runs: the command (tree context menu and palette), the panel serializer, live updates. */
export function registerCompare(deps: ExtensionKit): Contribution<'mlwb.compareRuns'> {
  const { backends, log, context } = deps;
  const panels = new PanelRegistry<ComparePanel>();

  function attach(panel: vscode.WebviewPanel, init: CompareInit): ComparePanel | undefined {
    const folder = backends.folders().find((f) => f.uri.toString() === init.folderUri);
    if (!folder) return undefined;
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'compare', init.title, init);
    return panels.add(compareKey(init), new ComparePanel(panel, folder, init, { backends, log }));
  }

  async function compareRuns(arg?: unknown, selection?: unknown): Promise<void> {
    const init = toCompareTarget(arg, selection) ?? (await pickScope(backends));
    if (!init) return;
    const existing = panels.get(compareKey(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, init.title, vscode.ViewColumn.Active, {
      enableFindWidget: false,
      // The page restores its state (columns, sort, filter, selection) and re-asks for data.
      retainContextWhenHidden: false,
    });
    if (!attach(panel, init)) {
      panel.dispose();
      void vscode.window.showErrorMessage(`ML Workbench: no open workspace folder ${init.folderUri}.`);
    }
  }

  const serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel(panel, state) {
      if (!isCompareState(state) || !attach(panel, state.init)) panel.dispose();
      return Promise.resolve();
    },
  };

  return {
    commands: { 'mlwb.compareRuns': compareRuns },
    disposables: [
      panels,
      vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, serializer),
      backends.onDidChangeStore(({ folder, runIds }) => {
        for (const p of panels.all()) if (p.folder.uri.toString() === folder.uri.toString()) p.onStoreChanged(runIds);
      }),
    ],
  };
}

/** From the palette: every run of a folder, or one experiment. */
async function pickScope(backends: BackendPool): Promise<CompareInit | undefined> {
  const folders = backends.folders();
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: open a folder to compare its runs.');
    return undefined;
  }
  type Item = vscode.QuickPickItem & { init: CompareInit };
  const items = Promise.all(
    folders.map(async (folder): Promise<Item[]> => {
      const folderUri = folder.uri.toString();
      const suffix = folders.length > 1 ? ` · ${folder.name}` : '';
      const experiments = await backends.forFolder(folder).request('experiments/list', {});
      return [
        { label: '$(list-flat) All runs', description: suffix, init: { folderUri, scope: {}, title: titleOf({}) } },
        ...experiments.map((e): Item => {
          const scope = { experimentNames: [e.name] };
          return { label: `$(beaker) ${e.name}`, description: suffix, init: { folderUri, scope, title: titleOf(scope) } };
        }),
      ];
    }),
  ).then((lists) => lists.flat());
  const picked = await vscode.window.showQuickPick(items, { title: 'Compare Runs', placeHolder: 'Which runs to compare' });
  return picked?.init;
}
