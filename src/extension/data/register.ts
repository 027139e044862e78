import type * as vscode from 'vscode';
import type { BackendPool } from '../backend/backendPool';
import { registerDataPreview } from './preview/panel';
import { registerData } from './commands';

/** Everything for data snapshots in VS Code: the Data view, its commands, and the preview panels. */
export function registerDataFeatures(deps: { backends: BackendPool; log: vscode.LogOutputChannel; context: vscode.ExtensionContext }): vscode.Disposable[] {
  return [...registerData(deps.backends, deps.log), ...registerDataPreview(deps)];
}
