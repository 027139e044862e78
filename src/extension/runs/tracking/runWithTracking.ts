import * as vscode from 'vscode';
import { createTrackedTask, TASK_TYPE } from './trackedTask';

/** Code runs only in trusted workspaces; say so instead of failing silently. */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(`ML Workbench does not ${action} in an untrusted workspace.`, 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/**
 * "Run with Tracking": the given file (editor title, explorer, CodeLens, or an Entry Points item,
 * which passes its tree node) or the active editor's. A notebook is opened instead: its cells
 * run in its kernel, tracked by the magics.
 */
export async function runWithTracking(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, arg?: vscode.Uri | { uri?: unknown }): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : arg?.uri instanceof vscode.Uri ? arg.uri : undefined;
  if (uri?.path.endsWith('.ipynb')) {
    await vscode.commands.executeCommand('vscode.openWith', uri, 'jupyter-notebook');
    return;
  }
  if (!(await requireTrust('run code'))) return;
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || !target.fsPath.endsWith('.py')) {
    void vscode.window.showInformationMessage('Open a Python file (or right-click one in the Explorer) to run it with tracking.');
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(target);
  if (!folder) {
    void vscode.window.showWarningMessage('Run with Tracking needs the file to be inside an open workspace folder, where its runs are kept.');
    return;
  }
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
  if (doc?.isDirty) await doc.save();
  const task = await createTrackedTask(context, folder, { type: TASK_TYPE, script: vscode.workspace.asRelativePath(target, false) }, log);
  log.info(`Run with Tracking: ${task.detail ?? target.fsPath}`);
  await vscode.tasks.executeTask(task);
}
