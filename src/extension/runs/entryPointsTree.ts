import * as vscode from 'vscode';
import { CONTEXT_VALUES } from '../contributions';
import { enabledPatterns } from '../../core/code/glob';
import type { EntryPoint } from '../../protocol/backend';
import type { BackendPool } from '../backend/backendPool';
import { entryPointDescription, entryPointTooltip } from './entryPointText';

/** The "Entry Points" section of the Experiments view: training scripts and notebooks. */
export type EntryPointsNode =
  | { kind: 'entryPoints'; folder: vscode.WorkspaceFolder; entries: EntryPoint[] }
  | { kind: 'entryPoint'; folder: vscode.WorkspaceFolder; entry: EntryPoint; uri: vscode.Uri };

export function isEntryPointsNode(node: { kind: string }): node is EntryPointsNode {
  return node.kind === 'entryPoints' || node.kind === 'entryPoint';
}

/** What the backend's watcher must skip besides its built-in rules: the user's exclude settings. */
export function watcherExcludes(folder: vscode.WorkspaceFolder): string[] {
  const files = vscode.workspace.getConfiguration('files', folder);
  const patterns = [
    ...enabledPatterns(files.get<Record<string, unknown>>('exclude')),
    ...enabledPatterns(files.get<Record<string, unknown>>('watcherExclude')),
  ];
  return [...new Set(patterns)].sort();
}

/**
 * Supplies the section's nodes to ExperimentsTreeProvider, which only delegates to it. The
 * backend's watcher keeps the list current and says when it changed.
 */
export class EntryPointsSection implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly backends: BackendPool,
    onChange: () => void,
  ) {
    this.disposables = [
      backends.onDidChangeEntryPoints(onChange),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('files.watcherExclude')) onChange();
      }),
    ];
  }

  /** The section's node for a folder, or nothing when the folder has no entry points. */
  async rootNodes(folder: vscode.WorkspaceFolder): Promise<EntryPointsNode[]> {
    try {
      const entries = await this.backends.forFolder(folder).request('entryPoints/list', { excludes: watcherExcludes(folder) });
      return entries.length > 0 ? [{ kind: 'entryPoints', folder, entries }] : [];
    } catch {
      return []; // the backend reports its own failures; the runs still show
    }
  }

  children(node: EntryPointsNode): EntryPointsNode[] {
    if (node.kind !== 'entryPoints') return [];
    return node.entries.map((entry) => ({
      kind: 'entryPoint',
      folder: node.folder,
      entry,
      uri: vscode.Uri.joinPath(node.folder.uri, ...entry.path.split('/')),
    }));
  }

  treeItem(node: EntryPointsNode): vscode.TreeItem {
    if (node.kind === 'entryPoints') {
      // Collapsed: the runs are what the view is for; the files that make them are one click away.
      const item = new vscode.TreeItem('Entry Points', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `entryPoints:${node.folder.uri.toString()}`;
      item.iconPath = new vscode.ThemeIcon('rocket');
      item.description = String(node.entries.length);
      item.tooltip = 'Python scripts and notebooks in this folder that log runs (with mlwb, %%mlwb_run or MLflow)';
      item.contextValue = CONTEXT_VALUES.experiments.entryPoints;
      return item;
    }
    const { entry, uri } = node;
    const slash = entry.path.lastIndexOf('/');
    const item = new vscode.TreeItem(entry.path.slice(slash + 1), vscode.TreeItemCollapsibleState.None);
    item.id = `entryPoint:${uri.toString()}`;
    item.resourceUri = uri;
    item.iconPath = new vscode.ThemeIcon(entry.kind === 'notebook' ? 'notebook' : 'file-code');
    item.description = entryPointDescription(entry);
    item.tooltip = entryPointTooltip(entry);
    item.contextValue = CONTEXT_VALUES.experiments.entryPoint(entry.kind);
    item.command = { title: 'Open', command: 'vscode.open', arguments: [uri] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
