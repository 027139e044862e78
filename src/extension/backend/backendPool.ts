import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendNotifications, NotificationMethod } from '../../protocol/backend';
import { BackendProcess } from './backendProcess';
import { mlwbDirOf } from '../shared/workspaceDirs';

/**
 * One backend per workspace folder, created when something first asks for it (a view expanding,
 * a command running), so activation itself starts nothing heavy.
 */
export class BackendPool implements vscode.Disposable {
  private readonly backends = new Map<string, BackendProcess>();
  private readonly storeChanged = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder; runIds: string[] }>();
  private readonly entryPointsChanged = new vscode.EventEmitter<vscode.WorkspaceFolder>();
  private readonly dataChanged = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder; datasets: string[] }>();
  private readonly dataProgress = new vscode.EventEmitter<BackendNotifications['data/progress']>();
  private readonly modelsChanged = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder; names: string[] }>();
  private readonly modelProgress = new vscode.EventEmitter<BackendNotifications['models/progress']>();
  private readonly deploymentsChanged = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder } & BackendNotifications['deployments/changed']>();
  private readonly deployProgress = new vscode.EventEmitter<BackendNotifications['deployments/progress']>();
  private readonly deployLogLines = new vscode.EventEmitter<BackendNotifications['deployments/logLines']>();
  private readonly monitorAlert = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder } & BackendNotifications['monitor/alert']>();
  private readonly monitorUpdated = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder } & BackendNotifications['monitor/updated']>();
  private readonly mlflowImportProgress = new vscode.EventEmitter<BackendNotifications['mlflow/importProgress']>();
  private readonly disposables: vscode.Disposable[] = [
    this.deploymentsChanged,
    this.deployProgress,
    this.deployLogLines,
    this.storeChanged,
    this.entryPointsChanged,
    this.dataChanged,
    this.dataProgress,
    this.modelsChanged,
    this.modelProgress,
    this.monitorAlert,
    this.monitorUpdated,
    this.mlflowImportProgress,
  ];
  readonly onDidChangeDeployments = this.deploymentsChanged.event;
  readonly onDeployProgress = this.deployProgress.event;
  readonly onDeployLogLines = this.deployLogLines.event;
  readonly onMonitorAlert = this.monitorAlert.event;
  readonly onMonitorUpdated = this.monitorUpdated.event;
  readonly onMlflowImportProgress = this.mlflowImportProgress.event;
  readonly onDidChangeModels = this.modelsChanged.event;
  readonly onModelProgress = this.modelProgress.event;
  readonly onDidChangeData = this.dataChanged.event;
  readonly onDataProgress = this.dataProgress.event;
  readonly onDidChangeStore = this.storeChanged.event;
  readonly onDidChangeEntryPoints = this.entryPointsChanged.event;

  constructor(
    private readonly extensionPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const removed of e.removed) this.disposeFolder(removed);
      }),
      // Backends start untrusted unless told; tell the running ones when the user grants trust.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        for (const backend of this.backends.values()) void backend.request('workspace/trust', { trusted: true }).catch(() => undefined);
      }),
    );
  }

  folders(): readonly vscode.WorkspaceFolder[] {
    return vscode.workspace.workspaceFolders ?? [];
  }

  forFolder(folder: vscode.WorkspaceFolder): BackendProcess {
    const key = folder.uri.toString();
    let backend = this.backends.get(key);
    if (!backend) {
      backend = new BackendProcess(
        folder,
        path.join(this.extensionPath, 'dist', 'backend.js'),
        this.log,
        (method, params) => this.onNotification(folder, method, params),
        () => mlwbDirOf(folder),
      );
      this.backends.set(key, backend);
    }
    return backend;
  }

  /** Starts every folder's backend (used once views are visible). */
  startAll(): void {
    for (const folder of this.folders()) {
      this.forFolder(folder)
        .whenReady()
        .catch(() => undefined); // already reported by the backend process
    }
  }

  async restartAll(): Promise<void> {
    await Promise.allSettled(this.folders().map((f) => this.forFolder(f).restart()));
  }

  private onNotification<M extends NotificationMethod>(folder: vscode.WorkspaceFolder, method: M, params: BackendNotifications[M]): void {
    const handlers: { [K in NotificationMethod]: (p: BackendNotifications[K]) => void } = {
      'store/changed': (p) => this.storeChanged.fire({ folder, runIds: p.runIds }),
      log: (p) => this.log[p.level](`[backend ${folder.name}] ${p.message}`),
      warning: (p) => {
        this.log.warn(`[backend ${folder.name}] ${p.message}`);
        void vscode.window.showWarningMessage(`ML Workbench: ${p.message}`);
      },
      'entryPoints/changed': () => this.entryPointsChanged.fire(folder),
      'data/changed': (p) => this.dataChanged.fire({ folder, datasets: p.datasets }),
      'data/progress': (p) => this.dataProgress.fire(p),
      'models/changed': (p) => this.modelsChanged.fire({ folder, names: p.names }),
      'models/progress': (p) => this.modelProgress.fire(p),
      'deployments/changed': (p) => this.deploymentsChanged.fire({ folder, ...p }),
      'deployments/progress': (p) => this.deployProgress.fire(p),
      'deployments/logLines': (p) => this.deployLogLines.fire(p),
      'monitor/alert': (p) => this.monitorAlert.fire({ folder, ...p }),
      'monitor/updated': (p) => this.monitorUpdated.fire({ folder, ...p }),
      'mlflow/importProgress': (p) => this.mlflowImportProgress.fire(p),
    };
    (handlers[method] as (p: BackendNotifications[M]) => void)(params);
  }

  private disposeFolder(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    this.backends.get(key)?.dispose();
    this.backends.delete(key);
  }

  dispose(): void {
    for (const backend of this.backends.values()) backend.dispose();
    this.backends.clear();
    for (const d of this.disposables) d.dispose();
  }
}
