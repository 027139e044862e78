/**
 * Extension entry. activate() only wires objects together; it runs only when something of ours is
 * used (a view, a command, a notebook, a workspace with `.mlwb/`). The backends start just after
 * it returns, in their own processes: no native module is ever loaded in the extension host.
 */
import * as vscode from 'vscode';
import { BackendPool } from './backend/backendPool';
import { registerCommands } from './commands/registerCommands';
import { EmptyTreeProvider } from './views/emptyTree';
import { ExperimentsTreeProvider } from './views/experimentsTree';
import { registerRunDetails } from './webviews/runDetails/register';
import { registerCompare } from './webviews/compare/register';
import { registerTerminalEnvironment } from './tracking/terminalEnvironment';
import { registerTrackedTaskProvider } from './tracking/trackedTask';
import { MainGuardCodeLensProvider } from './tracking/mainGuardCodeLens';
import { registerNotebookFeatures } from './notebooks/register';
import { registerDataFeatures } from './data/register';
import { registerModelFeatures } from './models/register';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('ML Workbench', { log: true });
  const backends = new BackendPool(context.extensionPath, log);
  const experiments = new ExperimentsTreeProvider(backends);
  const empty = new EmptyTreeProvider();

  context.subscriptions.push(
    log,
    backends,
    experiments,
    vscode.window.createTreeView('mlwb.experiments', { treeDataProvider: experiments, showCollapseAll: true, canSelectMany: true }),
    ...registerDataFeatures({ backends, log, context }),
    ...registerModelFeatures({ backends, log, context }),
    vscode.window.registerTreeDataProvider('mlwb.deployments', empty),
    ...registerCommands({ context, backends, log, experiments }),
    ...registerRunDetails({ backends, log, context }),
    ...registerCompare({ backends, log, context }),
    ...registerTerminalEnvironment(context),
    registerTrackedTaskProvider(context, log),
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, new MainGuardCodeLensProvider()),
    ...registerNotebookFeatures({ context, backends, log }),
  );

  log.info(`ML Workbench ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - started).toFixed(1)} ms`);
  // Starting after activate() returns keeps activation itself instant; the views then fill in.
  setTimeout(() => backends.startAll(), 0);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
