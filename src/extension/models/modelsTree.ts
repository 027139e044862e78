import * as vscode from 'vscode';
import type { ModelEntry, ModelVersion } from '../../protocol/models';
import type { BackendPool } from '../backend/backendPool';
import { CONTEXT_KEYS, CONTEXT_VALUES, type CommandId } from '../contributions';
import { Refresher } from '../shared/refresher';
import { versionDescription, versionTooltip } from './format';

export type ModelsNode =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder }
  | { kind: 'model'; folder: vscode.WorkspaceFolder; model: ModelEntry }
  | { kind: 'version'; folder: vscode.WorkspaceFolder; model: string; version: ModelVersion };

export function isVersionNode(v: unknown): v is Extract<ModelsNode, { kind: 'version' }> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'version';
}

/**
 * The Models view: models → versions (newest first) with their aliases, a validation status icon,
 * size and source run. Refreshed by `models/changed`, which the backend sends for changes made
 * anywhere (this window, the CLI, a training script's `log_model`). Empty → the welcome content.
 */
export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** A burst of `models/changed` (a register from Python, the CLI) is one refresh. */
  private readonly refresher = new Refresher(() => Promise.resolve(this.refresh()), 150);
  private showDeleted = false;

  constructor(private readonly backends: BackendPool) {
    this.subscriptions = [backends.onDidChangeModels(() => this.refresher.request())];
  }

  /** Deleted versions are hidden unless asked for (then they can be restored). */
  setShowDeleted(show: boolean): void {
    this.showDeleted = show;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.showDeletedModels, show);
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    try {
      if (!node) {
        const folders = this.backends.folders();
        if (folders.length === 1) return await this.models(folders[0]!);
        const all = await Promise.all(folders.map(async (folder) => ((await this.models(folder)).length ? [{ kind: 'folder', folder } as ModelsNode] : [])));
        return all.flat();
      }
      if (node.kind === 'folder') return await this.models(node.folder);
      if (node.kind === 'model') return node.model.versions.map((version) => ({ kind: 'version', folder: node.folder, model: node.model.name, version }));
    } catch {
      // The backend reports its own failures; an empty tree beats an error popup per row.
    }
    return [];
  }

  private async models(folder: vscode.WorkspaceFolder): Promise<ModelsNode[]> {
    const list = await this.backends.forFolder(folder).request('models/list', { includeDeleted: this.showDeleted });
    return list.map((model) => ({ kind: 'model', folder, model }));
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      return item;
    }
    if (node.kind === 'model') {
      const m = node.model;
      const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `model:${node.folder.uri.toString()}:${m.name}`;
      const aliases = Object.entries(m.aliases).map(([a, v]) => `@${a}→${v}`);
      item.description = [`${m.versions.length} version${m.versions.length === 1 ? '' : 's'}`, ...aliases].join(' · ');
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = CONTEXT_VALUES.models.model;
      return item;
    }
    const v = node.version;
    const item = new vscode.TreeItem(`v${v.version}`, vscode.TreeItemCollapsibleState.None);
    item.id = `modelVersion:${node.folder.uri.toString()}:${v.name}:${v.version}`;
    item.description = versionDescription(v);
    item.tooltip = new vscode.MarkdownString(versionTooltip(v));
    item.iconPath = v.deleted
      ? new vscode.ThemeIcon('trash')
      : v.validation.status === 'ok'
        ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
        : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    if (v.deleted) item.description = `deleted · ${item.description as string}`;
    const values = CONTEXT_VALUES.models;
    item.contextValue = v.deleted ? values.deletedVersion : v.run_id ? values.runVersion : values.version;
    item.accessibilityInformation = {
      label: `${v.name} version ${v.version}${v.aliases.length ? `, aliases ${v.aliases.join(', ')}` : ''}, validation ${v.validation.status}`,
    };
    item.command = { title: 'Show Details', command: 'mlwb.models.showDetails' satisfies CommandId<'models'>, arguments: [node] };
    return item;
  }

  dispose(): void {
    this.refresher.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
