import * as path from 'node:path';
import * as vscode from 'vscode';
import { clientDirOf, mlwbDirOf } from '../../shared/workspaceDirs';

/**
 * Terminals and tasks opened in this window get the bundled client on PYTHONPATH and their
 * folder's `.mlwb/` as MLWB_DIR, so `import mlwb` works and runs land in this workspace.
 * Scoped per workspace folder; re-applied when folders or settings change.
 */
export function registerTerminalEnvironment(context: vscode.ExtensionContext): vscode.Disposable[] {
  const collection = context.environmentVariableCollection;
  collection.description = 'ML Workbench: makes `import mlwb` work and sends runs to this workspace (PYTHONPATH, MLWB_DIR).';
  const apply = () => {
    // Only our own variables: the MLflow feature keeps MLFLOW_TRACKING_* in the same collection.
    collection.delete('PYTHONPATH');
    collection.prepend('PYTHONPATH', clientDirOf(context) + path.delimiter);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      collection.getScoped({ workspaceFolder: folder }).replace('MLWB_DIR', mlwbDirOf(folder));
    }
  };
  apply();
  return [
    vscode.workspace.onDidChangeWorkspaceFolders(apply),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mlwb.workspaceDir') && apply()),
  ];
}
