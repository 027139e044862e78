// Monitoring in VS Code: `mlwb.openMonitor` (from the Deployments view's items or the palette), the
// Monitor panels and their serializer, and the alert surface: a status-bar warning while any
// deployment has an alert firing, and a notification with "Open Monitor" when one fires.
import * as vscode from 'vscode';
import { MONITOR_VIEW_TYPE, type MonitorInit, isMonitorState } from '../../protocol/webview/monitor';
import type { FeatureContribution, ExtensionKit } from '../shared/commands';
import { reportError } from '../shared/errors';
import { webviewHtml, webviewOptions } from '../shared/webview/html';
import { PanelRegistry } from '../shared/webview/panelRegistry';
import { deploymentIdOf } from './args';
import { MonitorPanel } from './panel';

export function registerMonitor(kit: ExtensionKit): FeatureContribution<'monitor'> {
  const { backends, context, log } = kit;
  const panels = new PanelRegistry<MonitorPanel>();
  const key = (i: MonitorInit): string => `${i.folderUri}|${i.deploymentId}`;
  const status = vscode.window.createStatusBarItem('mlwb.monitorAlerts', vscode.StatusBarAlignment.Left, 50);
  status.name = 'ML Workbench Alerts';
  status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  /** Firing alerts by folder and deployment, from the backends' scrape rounds. */
  const firing = new Map<string, { folder: vscode.WorkspaceFolder; deploymentId: string; messages: string[] }>();

  function attach(panel: vscode.WebviewPanel, init: MonitorInit): MonitorPanel | undefined {
    const folder = backends.folders().find((f) => f.uri.toString() === init.folderUri);
    if (!folder) return undefined;
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'monitor', panel.title, init);
    return panels.add(key(init), new MonitorPanel(panel, folder, init, backends, log));
  }

  function show(folder: vscode.WorkspaceFolder, deploymentId: string): void {
    const init: MonitorInit = { folderUri: folder.uri.toString(), deploymentId };
    const existing = panels.get(key(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(MONITOR_VIEW_TYPE, `Monitor ${deploymentId}`, vscode.ViewColumn.Active, { retainContextWhenHidden: false });
    if (!attach(panel, init)) panel.dispose();
  }

  /** The folder holding a deployment (the first, for a single-folder window); asks when none was given. */
  async function open(arg?: unknown): Promise<void> {
    try {
      const folders = backends.folders();
      const wanted = deploymentIdOf(arg);
      const fromItem = (arg as { folder?: vscode.WorkspaceFolder } | undefined)?.folder;
      const all: { folder: vscode.WorkspaceFolder; id: string; label: string; description: string }[] = [];
      for (const folder of fromItem ? [fromItem] : folders) {
        for (const d of await backends.forFolder(folder).request('monitor/deployments', {})) {
          all.push({ folder, id: d.id, label: d.id, description: `${d.model}:${d.version} · ${d.status}${folders.length > 1 ? ` · ${folder.name}` : ''}` });
        }
      }
      const hit = wanted ? all.find((d) => d.id === wanted) : undefined;
      if (wanted && hit) return show(hit.folder, hit.id);
      if (wanted) throw new Error(`No deployment ${wanted} in this workspace.`);
      if (!all.length) {
        void vscode.window.showInformationMessage('ML Workbench: no deployments to monitor yet. Deploy a model from the Models view (or `mlwb deploy`) first.');
        return;
      }
      const pick = all.length === 1 ? all[0] : await vscode.window.showQuickPick(all, { title: 'Open Monitor: pick a deployment' });
      if (pick) show(pick.folder, pick.id);
    } catch (e) {
      reportError(e, { action: 'could not open Monitor', log });
    }
  }

  function renderStatus(): void {
    const list = [...firing.values()].filter((f) => f.messages.length);
    if (!list.length) return status.hide();
    status.text = `$(warning) ${list.length === 1 ? `${list[0]!.deploymentId}: alert` : `${list.length} deployments alerting`}`;
    status.tooltip = list.map((f) => `${f.deploymentId}: ${f.messages.join('; ')}`).join('\n');
    status.command = { title: 'Open Monitor', command: 'mlwb.openMonitor', arguments: [list[0]!.deploymentId] };
    status.show();
  }

  const serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel(panel, state) {
      if (!isMonitorState(state) || !attach(panel, state.init)) panel.dispose();
      return Promise.resolve();
    },
  };

  return {
    commands: { 'mlwb.openMonitor': (arg?: unknown) => open(arg) },
    disposables: [
      panels,
      status,
      vscode.window.registerWebviewPanelSerializer(MONITOR_VIEW_TYPE, serializer),
      backends.onMonitorUpdated(({ folder, deploymentIds, firing: now }) => {
        for (const [k, f] of firing) if (f.folder.uri.toString() === folder.uri.toString()) firing.delete(k);
        for (const f of now) firing.set(`${folder.uri.toString()}|${f.deploymentId}`, { folder, ...f });
        renderStatus();
        for (const p of panels.all())
          if (p.folder.uri.toString() === folder.uri.toString() && p.panel.visible && deploymentIds.includes(p.init.deploymentId)) void p.reload();
      }),
      backends.onMonitorAlert(({ folder, deploymentId, event }) => {
        if (event.state !== 'fired') return;
        void vscode.window
          .showWarningMessage(`ML Workbench: ${deploymentId}: ${event.message}`, 'Open Monitor')
          .then((choice) => choice && show(folder, deploymentId));
      }),
    ],
  };
}
