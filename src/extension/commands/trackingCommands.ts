import * as vscode from 'vscode';
import { createTrackedTask, TASK_TYPE } from '../tracking/trackedTask';

/** Code runs only in trusted workspaces; say so instead of failing silently. */
export async function requireTrust(action: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `ML Workbench does not ${action} in an untrusted workspace.`,
    'Manage Workspace Trust',
  );
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** "Run with Tracking": the given file (editor title, explorer, CodeLens) or the active editor's. */
export async function runWithTracking(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, uri?: vscode.Uri): Promise<void> {
  if (!(await requireTrust('run code'))) return;
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
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
