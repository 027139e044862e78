import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_DETAILS_VIEW_TYPE, isRunDetailsState } from '../../../protocol/webview/runDetails';
import type { BackendPool } from '../../backend/backendPool';
import { webviewHtml, webviewOptions } from '../../shared/webview/html';
import { PanelRegistry } from '../../shared/webview/panelRegistry';
import { RUN_DIFF_SCHEME, RunDiffProvider } from './diffDocument';
import { RunDetailsPanel } from './panel';
import { type OpenRunTarget, panelKey, toOpenRunTarget } from './target';
import type { Contribution, ExtensionKit } from '../../shared/commands';
import { reportError } from '../../shared/errors';
import { formatDateTime, formatRelativeTime } from '../../../shared/format';

/**
 * The run details feature: `mlwb.openRun`, the panel serializer (panels come back after a window
 * reload), the read-only diff documents, and live updates from the store.
 */
export function registerRunDetails(deps: ExtensionKit): Contribution<'mlwb.openRun'> {
  const { backends, log, context } = deps;
  const panels = new PanelRegistry<RunDetailsPanel>();
  const opening = new Set<string>();

  /** Sets up a new or restored panel for a run; returns undefined if its folder is gone. */
  async function attach(panel: vscode.WebviewPanel, target: OpenRunTarget): Promise<RunDetailsPanel | undefined> {
    const folder = backends.folders().find((f) => f.uri.toString() === target.folderUri);
    if (!folder) return undefined;
    // The artifacts folder must be a resource root for image previews; the backend knows where
    // `.mlwb/` is (setting, MLWB_DIR or default).
    const { mlwbDir } = await backends.forFolder(folder).whenReady();
    const artifacts = vscode.Uri.file(path.join(mlwbDir, 'runs', target.runId, 'artifacts'));
    panel.webview.options = webviewOptions(context.extensionUri, [artifacts]);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'runDetails', panel.title, { folderUri: target.folderUri, runId: target.runId });
    return panels.add(panelKey(target), new RunDetailsPanel(panel, folder, target.runId, { backends, log }));
  }

  async function openRun(arg?: unknown): Promise<void> {
    const target = toOpenRunTarget(arg) ?? (await pickRun(backends));
    if (!target) return;
    const key = panelKey(target);
    const existing = panels.get(key);
    if (existing) return existing.panel.reveal();
    // A second click while the first panel is still attaching must not open a twin.
    if (opening.has(key)) return;
    opening.add(key);
    try {
      await createPanel(target);
    } finally {
      opening.delete(key);
    }
  }

  async function createPanel(target: OpenRunTarget): Promise<void> {
    const panel = vscode.window.createWebviewPanel(RUN_DETAILS_VIEW_TYPE, target.name ?? `Run ${target.runId.slice(0, 8)}`, vscode.ViewColumn.Active, {
      enableFindWidget: true,
      // Hidden panels are unloaded; the page restores from its state and the host resends data.
      retainContextWhenHidden: false,
    });
    try {
      if (!(await attach(panel, target))) {
        panel.dispose();
        void vscode.window.showErrorMessage(`ML Workbench: no open workspace folder ${target.folderUri}.`);
      }
    } catch (e) {
      panel.dispose();
      reportError(e, { action: `could not open run ${target.runId}`, log });
    }
  }

  const serializer: vscode.WebviewPanelSerializer = {
    async deserializeWebviewPanel(panel, state) {
      // A panel whose run or folder cannot be found is closed rather than left blank.
      const attached = isRunDetailsState(state) ? await attach(panel, state.init).catch(() => undefined) : undefined;
      if (!attached) panel.dispose();
    },
  };

  return {
    commands: { 'mlwb.openRun': openRun },
    disposables: [
      panels,
      vscode.window.registerWebviewPanelSerializer(RUN_DETAILS_VIEW_TYPE, serializer),
      vscode.workspace.registerTextDocumentContentProvider(RUN_DIFF_SCHEME, new RunDiffProvider(backends)),
      backends.onDidChangeStore(({ folder, runIds }) => {
        for (const p of panels.all()) if (p.folder.uri.toString() === folder.uri.toString()) p.onStoreChanged(runIds);
      }),
    ],
  };
}

/** From the palette: pick one of the newest runs across the workspace folders. */
async function pickRun(backends: BackendPool): Promise<OpenRunTarget | undefined> {
  const folders = backends.folders();
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: open a folder to see its runs.');
    return undefined;
  }
  type Item = vscode.QuickPickItem & { target?: OpenRunTarget };
  const items = async (): Promise<Item[]> => {
    const perFolder = await Promise.all(
      folders.map(async (folder) => {
        const runs = await backends.forFolder(folder).request('runs/list', { limit: 500 });
        return runs.map((run): Item => ({
          label: run.name,
          description: `${run.experiment} · ${run.status}${folders.length > 1 ? ` · ${folder.name}` : ''}`,
          detail: `${run.id} · started ${formatRelativeTime(run.start_time)} (${formatDateTime(run.start_time)})`,
          target: { folderUri: folder.uri.toString(), runId: run.id, name: run.name },
        }));
      }),
    );
    return perFolder.flat();
  };
  // Passing the promise shows the picker at once, busy, while the backends answer.
  const withEmptyState = items().then((list): Item[] =>
    list.length > 0
      ? list
      : [{ label: 'No runs yet', detail: 'Log one from Python: with mlwb.start_run(experiment="demo") as run: run.log_metric("loss", 0.1)' }],
  );
  const picked = await vscode.window.showQuickPick(withEmptyState, {
    title: 'Open Run Details',
    placeHolder: 'Select a run',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.target;
}
