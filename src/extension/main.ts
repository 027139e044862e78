/**
 * Extension entry. activate() only wires objects together; it runs only when something of ours is
 * used (a view, a command, a notebook, a workspace with `.mlwb/`). The backends start just after
 * it returns, in their own processes: no native module is ever loaded in the extension host.
 *
 * Each feature folder (runs/, data/, notebooks/, models/, deployments/) has a register function that returns its
 * command handlers and disposables; the command table registers every handler in one place.
 */
import * as vscode from 'vscode';
import { BackendPool } from './backend/backendPool';
import { commandTable, kitCommands } from './commands';
import { registerData } from './data/register';
import { registerModels } from './models/register';
import { registerMlflow } from './mlflow/register';
import { registerDeployments } from './deployments/register';
import { registerMonitor } from './monitor/register';
import { registerNotebooks } from './notebooks/register';
import { registerPackaging } from './packaging/register';
import { registerRuns } from './runs/register';
import { type ExtensionKit, registerCommands } from './shared/commands';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('ML Workbench', { log: true });
  const backends = new BackendPool(context.extensionPath, log);
  const kit: ExtensionKit = { context, backends, log };
  const runs = registerRuns(kit);
  const features = {
    kit: kitCommands(kit, runs.refresh),
    runs,
    notebooks: registerNotebooks(kit),
    data: registerData(kit),
    models: registerModels(kit),
    deployments: registerDeployments(kit),
    packaging: registerPackaging(kit),
    monitor: registerMonitor(kit),
    mlflow: registerMlflow(kit),
  };

  context.subscriptions.push(log, backends, ...Object.values(features).flatMap((f) => f.disposables), ...registerCommands(commandTable(features)));

  log.info(`ML Workbench ${String(context.extension.packageJSON.version)} activated in ${(performance.now() - started).toFixed(1)} ms`);
  // Starting after activate() returns keeps activation itself instant; the views then fill in.
  setTimeout(() => backends.startAll(), 0);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
