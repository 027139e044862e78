import * as path from 'node:path';
import * as vscode from 'vscode';

/** The `.mlwb/` folder of a workspace folder: the `mlwb.workspaceDir` setting, else `<folder>/.mlwb`. */
export function mlwbDirOf(folder: vscode.WorkspaceFolder): string {
  const value = vscode.workspace.getConfiguration('mlwb', folder).get<string>('workspaceDir')?.trim();
  return value ? path.resolve(folder.uri.fsPath, value) : path.join(folder.uri.fsPath, '.mlwb');
}

/** Where the bundled Python client lives inside the installed extension. */
export function clientDirOf(context: vscode.ExtensionContext): string {
  return path.join(context.extensionPath, 'python');
}
