import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunDetails } from '../../../protocol/backend';
import { countNonFinite, downsample } from '../../../shared/series';
import type { Handlers } from '../../../shared/messages';
import { type FromRunDetails, type RunDetailsData, type ToRunDetails, fromRunDetailsValidators } from '../../../protocol/webview/runDetails';
import type { BackendPool } from '../../backend/backendPool';
import { connectPanel, type PanelChannel } from '../../shared/webview/messaging';
import { Refresher } from '../../shared/refresher';
import { showRunDiff } from './diffDocument';
import { metricSignature, resolveArtifact } from './target';
import { errorMessage } from '../../../shared/errors';

/** ≤ 4 refreshes per second, however often the store changes. */
const REFRESH_INTERVAL_MS = 250;
/** output.log grows without store events; a running run's panel polls for it this often. */
const RUNNING_POLL_MS = 2000;
/** Points per chart sent to the webview; longer series are bucketed keeping min/max. */
const MAX_CHART_POINTS = 4000;

// Compile-time check that the backend's RunDetails still fits what the webview renders.
const fits = (d: RunDetails): RunDetailsData => d;

export interface RunDetailsPanelDeps {
  backends: BackendPool;
  log: vscode.LogOutputChannel;
}

/**
 * One run's details panel: loads the run from its folder's backend, pushes it to the webview,
 * re-sends only the metrics whose summaries changed, and opens files the webview asks for.
 */
export class RunDetailsPanel implements vscode.Disposable {
  private details: RunDetails | undefined;
  /** Metric key → signature of the points the current page has. */
  private readonly sentMetrics = new Map<string, string>();
  /** Bumped when the page reloads, so an in-flight refresh does not record sends it lost. */
  private generation = 0;
  private stale = false;
  private readonly channel: PanelChannel<ToRunDetails>;
  private readonly refresher = new Refresher(() => this.refresh(), REFRESH_INTERVAL_MS);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly folder: vscode.WorkspaceFolder,
    readonly runId: string,
    private readonly deps: RunDetailsPanelDeps,
  ) {
    const handlers: Handlers<FromRunDetails> = {
      ready: () => this.reload(),
      refresh: () => this.reload(),
      openSource: () => this.openSource(),
      openArtifact: (m) => this.openArtifact(m.path),
      registerModel: (m) => {
        if (!this.details?.artifacts.some((a) => a.path === m.path)) return;
        void vscode.commands.executeCommand('mlwb.models.register', { kind: 'run', folder, run: { id: runId, name: this.details.run.name } }, m.path);
      },
      openOutput: () => this.openFile(this.details && path.join(this.details.runDir, 'output.log'), 'output.log'),
      showDiff: () => (this.details ? showRunDiff(folder.uri.toString(), runId, this.details.run.name) : undefined),
    };
    this.channel = connectPanel(panel.webview, fromRunDetailsValidators, handlers, deps.log);
    const poll = setInterval(() => {
      if (this.details?.run.status === 'running') this.refresher.request();
    }, RUNNING_POLL_MS);
    this.disposables.push(
      this.channel,
      { dispose: () => this.refresher.dispose() },
      { dispose: () => clearInterval(poll) },
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) this.refresher.request();
      }),
    );
  }

  /** From the pool's store/changed; an empty list means anything may have changed. */
  onStoreChanged(runIds: readonly string[]): void {
    if (runIds.length === 0 || runIds.includes(this.runId)) this.refresher.request();
  }

  private reload(): void {
    this.generation++;
    this.sentMetrics.clear();
    this.refresher.request();
  }

  private async refresh(): Promise<void> {
    // A hidden webview has no page to update; catch up when it is shown again.
    if (!this.panel.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const generation = this.generation;
    const backend = this.deps.backends.forFolder(this.folder);
    let details: RunDetails;
    try {
      details = await backend.request('runs/details', { id: this.runId });
    } catch (e) {
      await this.channel.post({ type: 'error', message: `Could not load run ${this.runId}: ${errorMessage(e)}` });
      return;
    }
    this.details = details;
    this.panel.title = details.run.name;
    const artifactsBaseUri = this.panel.webview.asWebviewUri(vscode.Uri.file(path.join(details.runDir, 'artifacts'))).toString();
    await this.channel.post({ type: 'details', details: fits(details), artifactsBaseUri });

    const changed = Object.entries(details.run.metrics).filter(([key, m]) => this.sentMetrics.get(key) !== metricSignature(m));
    await Promise.all(
      changed.map(async ([key, summary]) => {
        try {
          const points = await backend.request('runs/metric', { id: this.runId, key });
          const delivered = await this.channel.post({
            type: 'metric',
            key,
            points: downsample(points, MAX_CHART_POINTS),
            total: points.length,
            nonFinite: countNonFinite(points),
          });
          if (delivered && generation === this.generation) this.sentMetrics.set(key, metricSignature(summary));
        } catch (e) {
          this.deps.log.warn(`Run ${this.runId}: could not load metric ${key}: ${errorMessage(e)}`);
        }
      }),
    );
  }

  private async openSource(): Promise<void> {
    const source = this.details?.run.source.path ?? this.details?.context?.source?.path ?? undefined;
    await this.openFile(source, 'source file');
  }

  private async openArtifact(relPath: string): Promise<void> {
    const file = this.details && resolveArtifact(this.details.runDir, relPath, this.details.artifacts);
    if (!file) {
      this.deps.log.warn(`Run ${this.runId}: refused to open artifact ${JSON.stringify(relPath)} (not listed for this run)`);
      return;
    }
    await this.openFile(file, relPath);
  }

  /** Opens beside the panel with the editor VS Code picks (text, image preview, notebook…). */
  private async openFile(file: string | undefined, what: string): Promise<void> {
    if (!file) return;
    const uri = vscode.Uri.file(file);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      void vscode.window.showWarningMessage(`ML Workbench: the run's ${what} no longer exists (${file}).`);
      return;
    }
    await vscode.commands.executeCommand('vscode.open', uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
