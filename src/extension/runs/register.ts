import * as vscode from 'vscode';
import { VIEW_IDS } from '../contributions';
import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { runCommandTable } from './commands';
import { registerCompare } from './compare/register';
import { registerRunDetails } from './details/register';
import { ExperimentsTreeProvider } from './experimentsTree';
import { MainGuardCodeLensProvider } from './tracking/mainGuardCodeLens';
import { runWithTracking } from './tracking/runWithTracking';
import { registerTerminalEnvironment } from './tracking/terminalEnvironment';
import { registerTrackedTaskProvider } from './tracking/trackedTask';

/**
 * Runs in VS Code: the Experiments view (with entry points), run commands, Run with Tracking
 * (task provider, CodeLens, terminal environment), the run details and Compare Runs panels.
 */
export function registerRuns(kit: ExtensionKit): FeatureContribution<'runs'> & { refresh(): void } {
  const { context, backends, log } = kit;
  const experiments = new ExperimentsTreeProvider(backends);
  const details = registerRunDetails(kit);
  const compare = registerCompare(kit);
  return {
    refresh: () => experiments.refresh(),
    commands: {
      ...runCommandTable(backends, experiments),
      ...details.commands,
      ...compare.commands,
      'mlwb.refresh': () => experiments.refresh(),
      'mlwb.runWithTracking': (uri?: vscode.Uri | { uri?: unknown }) => runWithTracking(context, log, uri),
    },
    disposables: [
      experiments,
      vscode.window.createTreeView(VIEW_IDS.experiments, { treeDataProvider: experiments, showCollapseAll: true, canSelectMany: true }),
      ...details.disposables,
      ...compare.disposables,
      ...registerTerminalEnvironment(context),
      registerTrackedTaskProvider(context, log),
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, new MainGuardCodeLensProvider()),
    ],
  };
}
