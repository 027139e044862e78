import * as vscode from 'vscode';
import type { BackendPool } from './backend/backendPool';
import type { ExperimentsTreeProvider } from './runs/experimentsTree';
import { runCommandTable } from './runs/commands';
import { runWithTracking } from './runs/tracking/runWithTracking';

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly backends: BackendPool;
  readonly log: vscode.LogOutputChannel;
  readonly experiments: ExperimentsTreeProvider;
}

/** Command id → handler. Every id here is also declared in package.json `contributes.commands`. */
export function commandTable(deps: CommandDeps): Record<string, (...args: never[]) => unknown> {
  return {
    'mlwb.showOutput': () => deps.log.show(),
    'mlwb.refresh': () => deps.experiments.refresh(),
    'mlwb.restartBackend': async () => {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Restarting ML Workbench backend' },
        () => deps.backends.restartAll(),
      );
      deps.experiments.refresh();
    },
    'mlwb.runWithTracking': (uri?: vscode.Uri | { uri?: unknown }) => runWithTracking(deps.context, deps.log, uri),
    ...runCommandTable(deps.backends, deps.experiments),
  };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return Object.entries(commandTable(deps)).map(([id, handler]) =>
    vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown),
  );
}
