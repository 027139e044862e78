// One Monitor panel in the extension host: asks the backend for the deployment's report (on open, on
// a window change, on every scrape round while visible) and carries out the page's actions.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Handlers } from '../../shared/messages';
import { errorMessage } from '../../shared/errors';
import { type FromMonitor, type MonitorInit, type ToMonitor, type WindowName, fromMonitorValidators } from '../../protocol/webview/monitor';
import type { BackendPool } from '../backend/backendPool';
import type { CommandId } from '../contributions';
import { reportError } from '../shared/errors';
import { connectPanel, type PanelChannel } from '../shared/webview/messaging';

export class MonitorPanel implements vscode.Disposable {
  private readonly channel: PanelChannel<ToMonitor>;
  private window: WindowName = '5m';
  private loading = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly folder: vscode.WorkspaceFolder,
    readonly init: MonitorInit,
    private readonly backends: BackendPool,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const handlers: Handlers<FromMonitor> = {
      ready: () => this.reload(),
      setWindow: (m) => {
        this.window = m.window;
        return this.reload();
      },
      setThresholds: async (m) => {
        await this.act(async () => {
          await this.backend().request('monitor/setThresholds', { deploymentId: init.deploymentId, thresholds: m.thresholds });
          return 'Alert thresholds saved; they apply from the next scrape.';
        });
      },
      pickReference: () => this.act(() => this.pickReference()),
      useLineage: () =>
        this.act(async () => {
          await this.backend().request('monitor/setReference', { deploymentId: init.deploymentId, snapshotId: null });
          return 'Drift is compared with the snapshot lineage links again.';
        }),
      retrain: () => this.act(() => this.retrain()),
    };
    this.channel = connectPanel(panel.webview, fromMonitorValidators, handlers, log);
  }

  private backend() {
    return this.backends.forFolder(this.folder);
  }

  async reload(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const report = await this.backend().request('monitor/report', { deploymentId: this.init.deploymentId, window: this.window });
      await this.channel.post({ type: 'report', report });
    } catch (e) {
      await this.channel.post({ type: 'error', message: errorMessage(e) });
    } finally {
      this.loading = false;
    }
  }

  private async act(fn: () => Promise<string | undefined>): Promise<void> {
    try {
      const notice = await fn();
      if (notice) await this.channel.post({ type: 'notice', message: notice });
      await this.reload();
    } catch (e) {
      reportError(e, { action: 'monitoring', log: this.log });
    }
  }

  private async pickReference(): Promise<string | undefined> {
    const datasets = await this.backend().request('data/datasets', {});
    const items: (vscode.QuickPickItem & { id: string })[] = [];
    for (const d of datasets) {
      for (const { snapshot: s } of await this.backend().request('data/snapshots', { dataset: d.dataset })) {
        if (!s.metadata_only) items.push({ id: s.id, label: s.name ?? d.dataset, description: `${d.dataset} · ${s.id}`, detail: s.created_at });
      }
    }
    if (!items.length) {
      void vscode.window.showInformationMessage(
        'ML Workbench: no data snapshots yet. Snapshot the training data (Data view → Snapshot, or `mlwb snapshot create <path>`), then pick it here.',
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'Training data to compare live inputs with', matchOnDescription: true });
    if (!pick) return undefined;
    const ref = await this.backend().request('monitor/setReference', { deploymentId: this.init.deploymentId, snapshotId: pick.id });
    return ref ? `Live inputs are now compared with ${ref.table} in snapshot ${ref.snapshot_id}.` : undefined;
  }

  /** Snapshot the data the user points at, then start the model's training script with tracking. */
  private async retrain(): Promise<string | undefined> {
    const plan = await this.backend().request('monitor/retrainPlan', { deploymentId: this.init.deploymentId });
    if (!plan.script) throw new Error(`Cannot retrain: ${plan.problem ?? 'no training script is known.'}`);
    const defaultUri = vscode.Uri.file(path.resolve(this.folder.uri.fsPath, plan.dataset ?? '.'));
    const picked = await vscode.window.showOpenDialog({
      title: 'Retrain: the current data to snapshot and train on',
      defaultUri,
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Snapshot and Retrain',
    });
    const data = picked?.[0];
    if (!data) return undefined;
    const snap = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Snapshotting ${path.basename(data.fsPath)}` }, () =>
      this.backend().request('data/create', { path: data.fsPath, name: `retrain ${this.init.deploymentId}` }),
    );
    const runWithTracking: CommandId<'runs'> = 'mlwb.runWithTracking';
    await vscode.commands.executeCommand(runWithTracking, vscode.Uri.file(plan.script));
    return `Snapshot ${snap.snapshot.id} taken; ${path.basename(plan.script)} started with tracking. Register the new run's model to deploy it.`;
  }

  dispose(): void {
    this.channel.dispose();
  }
}
