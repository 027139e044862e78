import * as vscode from 'vscode';
import { CONTEXT_KEYS, CONTEXT_VALUES } from '../contributions';
import { STATUS_ICON, formatDuration, formatExactTime, formatRelativeTime, keyMetric } from '../../shared/format';
import type { Experiment, Run } from '../../shared/runModel';
import type { BackendPool } from '../backend/backendPool';
import { EntryPointsSection, type EntryPointsNode, isEntryPointsNode } from './entryPointsTree';
import { Refresher } from '../shared/refresher';

export type ExperimentsNode =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder }
  | { kind: 'experiment'; folder: vscode.WorkspaceFolder; experiment: Experiment }
  | { kind: 'run'; folder: vscode.WorkspaceFolder; run: Run }
  | EntryPointsNode;

/**
 * Experiments → runs, read from each folder's backend. With several workspace folders the folders
 * form the top level. An empty result lets VS Code show the view's welcome content.
 */
export class ExperimentsTreeProvider implements vscode.TreeDataProvider<ExperimentsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExperimentsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  // Runs report many changes a second while training; refresh the tree at most ~4 times a second.
  private readonly refresher = new Refresher(async () => this.refresh(), 250);
  private showDeleted = false;
  private readonly entryPoints: EntryPointsSection;

  constructor(private readonly backends: BackendPool) {
    this.entryPoints = new EntryPointsSection(backends, () => this.refresh());
    this.subscription = backends.onDidChangeStore(() => this.refresher.request());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  setShowDeleted(show: boolean): void {
    this.showDeleted = show;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.showDeletedRuns, show);
    this.refresh();
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    if (!node) {
      const folders = this.backends.folders();
      if (folders.length === 1) return this.folderChildren(folders[0]!);
      return folders.map((folder) => ({ kind: 'folder', folder }));
    }
    if (node.kind === 'folder') return this.folderChildren(node.folder);
    if (isEntryPointsNode(node)) return this.entryPoints.children(node);
    if (node.kind === 'experiment') {
      const runs = await this.backends.forFolder(node.folder).request('runs/list', { experiment: node.experiment.name, includeDeleted: this.showDeleted });
      return runs.map((run) => ({ kind: 'run', folder: node.folder, run }));
    }
    return [];
  }

  getTreeItem(node: ExperimentsNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    if (node.kind === 'experiment') return experimentItem(node.experiment);
    if (isEntryPointsNode(node)) return this.entryPoints.treeItem(node);
    const item = runItem(node.run);
    item.command = { title: 'Open Run Details', command: 'mlwb.openRun', arguments: [{ folderUri: node.folder.uri.toString(), runId: node.run.id }] };
    return item;
  }

  private async folderChildren(folder: vscode.WorkspaceFolder): Promise<ExperimentsNode[]> {
    const [experiments, entryPoints] = await Promise.all([this.experimentsOf(folder), this.entryPoints.rootNodes(folder)]);
    return [...experiments, ...entryPoints];
  }

  private async experimentsOf(folder: vscode.WorkspaceFolder): Promise<ExperimentsNode[]> {
    const experiments = await this.backends.forFolder(folder).request('experiments/list', {});
    return experiments.map((experiment) => ({ kind: 'experiment', folder, experiment }));
  }

  dispose(): void {
    this.refresher.dispose();
    this.subscription.dispose();
    this.entryPoints.dispose();
    this.changed.dispose();
  }
}

function experimentItem(e: Experiment): vscode.TreeItem {
  // Expanded: a newcomer sees runs at once; VS Code remembers a collapse by the item's id.
  const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `experiment:${e.id}`;
  item.iconPath = new vscode.ThemeIcon('beaker');
  const runs = `${e.run_count} run${e.run_count === 1 ? '' : 's'}`;
  item.description = e.running_count > 0 ? `${runs}, ${e.running_count} running` : runs;
  item.contextValue = CONTEXT_VALUES.experiments.experiment;
  return item;
}

function runItem(run: Run): vscode.TreeItem {
  const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
  item.id = `run:${run.id}`;
  const deleted = run.lifecycle === 'deleted';
  item.iconPath = deleted ? new vscode.ThemeIcon('trash') : new vscode.ThemeIcon(STATUS_ICON[run.status], statusColor(run));
  const metric = keyMetric(run);
  item.description = (deleted ? 'deleted · ' : '') + (metric ? `${metric.key} ${metric.value}` : run.status);
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${run.name}** — ${run.status}\n\n`);
  tooltip.appendMarkdown(`\`${run.id}\` · started ${formatRelativeTime(run.start_time)} (${formatExactTime(run.start_time)})`);
  if (run.duration_ms !== null) tooltip.appendMarkdown(` · ${formatDuration(run.duration_ms)}`);
  if (run.error) tooltip.appendMarkdown(`\n\n$(error) ${escapeMarkdown(run.error)}`);
  item.tooltip = tooltip;
  item.contextValue = deleted ? CONTEXT_VALUES.experiments.deletedRun : CONTEXT_VALUES.experiments.run(run.status);
  return item;
}

function statusColor(run: Run): vscode.ThemeColor | undefined {
  if (run.status === 'failed') return new vscode.ThemeColor('testing.iconFailed');
  if (run.status === 'finished') return new vscode.ThemeColor('testing.iconPassed');
  return undefined;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
