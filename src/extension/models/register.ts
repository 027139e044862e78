import * as vscode from 'vscode';
import { VIEW_IDS } from '../contributions';
import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { modelCommandTable } from './commands';
import { registerModelDetails } from './details/panel';
import { ModelsTreeProvider } from './modelsTree';

/** Everything for the model registry in VS Code: the Models view, its commands, the details panel. */
export function registerModels(kit: ExtensionKit): FeatureContribution<'models'> {
  const tree = new ModelsTreeProvider(kit.backends);
  const details = registerModelDetails(kit);
  const commands = modelCommandTable(kit.backends, kit.log, tree, (node) => details.open(node.folder, node.version.name, node.version.version));
  return {
    commands,
    disposables: [
      tree,
      vscode.window.createTreeView(VIEW_IDS.models, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }),
      ...details.disposables,
    ],
  };
}
