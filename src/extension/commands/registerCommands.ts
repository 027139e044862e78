import * as vscode from 'vscode';
import type { BackendPool } from '../backend/backendPool';
import type { ExperimentsNode, ExperimentsTreeProvider } from '../views/experimentsTree';

export interface CommandDeps {
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
    'mlwb.copyRunId': async (node?: ExperimentsNode) => {
      if (node?.kind !== 'run') return;
      await vscode.env.clipboard.writeText(node.run.id);
      vscode.window.setStatusBarMessage(`Copied run id ${node.run.id}`, 3000);
    },
  };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return Object.entries(commandTable(deps)).map(([id, handler]) =>
    vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown),
  );
}
