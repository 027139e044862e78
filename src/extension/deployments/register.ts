import * as vscode from 'vscode';
import { VIEW_IDS } from '../contributions';
import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { deploymentCommandTable } from './commands';
import { type DeploymentsNode, DeploymentsTreeProvider } from './deploymentsTree';
import { LogChannels } from './logChannels';
import { registerTryIt } from './tryIt/register';

/** Deployments in VS Code: the Deployments view, Deploy from the Models view, logs, and the Try It panel. */
export function registerDeployments(kit: ExtensionKit): FeatureContribution<'deployments'> {
  const tryIt = registerTryIt(kit);
  const tree = new DeploymentsTreeProvider(kit.backends);
  const view = vscode.window.createTreeView<DeploymentsNode>(VIEW_IDS.deployments, { treeDataProvider: tree });
  const logs = new LogChannels(kit.backends);
  const commands = deploymentCommandTable({ backends: kit.backends, log: kit.log, tree, view, logs });
  return { commands: { ...tryIt.commands, ...commands }, disposables: [...tryIt.disposables, tree, view, logs] };
}
