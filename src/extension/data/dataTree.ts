import * as vscode from 'vscode';
import { CONTEXT_VALUES } from '../contributions';
import type { DatasetSummary, RunUsingSnapshot, SnapshotSummary } from '../../protocol/data';
import type { BackendPool } from '../backend/backendPool';
import { datasetDescription, datasetTooltip, snapshotDescription, snapshotLabel, snapshotTooltip } from './format';
import { Refresher } from '../shared/refresher';

export type DataNode =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder }
  | { kind: 'dataset'; folder: vscode.WorkspaceFolder; dataset: DatasetSummary }
  | { kind: 'snapshot'; folder: vscode.WorkspaceFolder; dataset: DatasetSummary; summary: SnapshotSummary }
  | { kind: 'run'; folder: vscode.WorkspaceFolder; run: RunUsingSnapshot };

export function isSnapshotNode(v: unknown): v is Extract<DataNode, { kind: 'snapshot' }> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'snapshot';
}
export function isDatasetNode(v: unknown): v is Extract<DataNode, { kind: 'dataset' }> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'dataset';
}

/**
 * The Data view: datasets → snapshots (time, files, size, what changed) → the runs that used
 * each. A dataset changed on disk since its last snapshot shows a marker, kept current by the
 * backend's data watcher (`data/changed`). Empty → the view's welcome content.
 */
export class DataTreeProvider implements vscode.TreeDataProvider<DataNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DataNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly refresher = new Refresher(async () => this.refresh(), 250);

  constructor(private readonly backends: BackendPool) {
    const soon = () => this.refresher.request();
    this.subscriptions = [this.refresher, backends.onDidChangeData(soon), backends.onDidChangeStore(soon)];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: DataNode): Promise<DataNode[]> {
    try {
      if (!node) {
        const folders = this.backends.folders();
        if (folders.length === 1) return await this.datasets(folders[0]!);
        if (folders.length === 0) return [];
        // Several folders: only those with datasets, so an empty workspace still shows the welcome.
        const all = await Promise.all(folders.map(async (folder) => ((await this.datasets(folder)).length ? [{ kind: 'folder', folder } as DataNode] : [])));
        return all.flat();
      }
      if (node.kind === 'folder') return await this.datasets(node.folder);
      if (node.kind === 'dataset') {
        const list = await this.backends.forFolder(node.folder).request('data/snapshots', { dataset: node.dataset.dataset });
        return list.map((summary) => ({ kind: 'snapshot', folder: node.folder, dataset: node.dataset, summary }));
      }
      if (node.kind === 'snapshot') return node.summary.runs.map((run) => ({ kind: 'run', folder: node.folder, run }));
    } catch {
      // The backend reports its own failures; an empty tree is better than an error popup per row.
    }
    return [];
  }

  private async datasets(folder: vscode.WorkspaceFolder): Promise<DataNode[]> {
    const list = await this.backends.forFolder(folder).request('data/datasets', {});
    return list.map((dataset) => ({ kind: 'dataset', folder, dataset }));
  }

  getTreeItem(node: DataNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    if (node.kind === 'dataset') {
      const d = node.dataset;
      const item = new vscode.TreeItem(d.dataset, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `dataset:${node.folder.uri.toString()}:${d.dataset}`;
      item.description = datasetDescription(d);
      item.tooltip = new vscode.MarkdownString(datasetTooltip(d));
      item.resourceUri = vscode.Uri.file(d.path);
      const icon = d.latest.kind === 'file' ? 'file' : 'database';
      item.iconPath = !d.exists
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground'))
        : d.modified
          ? new vscode.ThemeIcon(icon, new vscode.ThemeColor('gitDecoration.modifiedResourceForeground'))
          : new vscode.ThemeIcon(icon);
      item.contextValue = d.modified ? CONTEXT_VALUES.data.modifiedDataset : CONTEXT_VALUES.data.dataset;
      return item;
    }
    if (node.kind === 'snapshot') {
      const s = node.summary.snapshot;
      const item = new vscode.TreeItem(
        snapshotLabel(s),
        node.summary.runs.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      );
      item.id = `snapshot:${node.folder.uri.toString()}:${s.id}`;
      item.description = snapshotDescription(node.summary);
      item.tooltip = new vscode.MarkdownString(snapshotTooltip(node.summary));
      item.iconPath = new vscode.ThemeIcon(s.partial ? 'warning' : s.metadata_only ? 'tag' : 'history');
      item.contextValue = s.metadata_only ? CONTEXT_VALUES.data.metadataOnlySnapshot : CONTEXT_VALUES.data.snapshot;
      return item;
    }
    const r = node.run;
    const item = new vscode.TreeItem(r.run_name ?? r.run_id, vscode.TreeItemCollapsibleState.None);
    item.description = `${r.status ?? 'unknown'} · read ${r.path}`;
    item.iconPath = new vscode.ThemeIcon('beaker');
    item.contextValue = CONTEXT_VALUES.data.snapshotRun;
    item.command = { title: 'Open Run Details', command: 'mlwb.openRun', arguments: [{ folderUri: node.folder.uri.toString(), runId: r.run_id }] };
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
