import * as vscode from 'vscode';
import type { BackendPool } from '../backend/backendPool';
import { modelCommandTable } from './commands';
import { registerModelDetails } from './detailsPanel';
import { ModelsTreeProvider } from './modelsTree';

/** Everything for the model registry in VS Code: the Models view, its commands, the details panel. */
export function registerModelFeatures(deps: { backends: BackendPool; log: vscode.LogOutputChannel; context: vscode.ExtensionContext }): vscode.Disposable[] {
  const tree = new ModelsTreeProvider(deps.backends);
  const details = registerModelDetails(deps);
  const commands = modelCommandTable(deps.backends, tree, (node) => details.open(node.folder, node.version.name, node.version.version));
  return [
    tree,
    vscode.window.createTreeView('mlwb.models', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }),
    ...details.disposables,
    ...Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, fn)),
  ];
}
