import * as vscode from 'vscode';
import { errorMessage } from '../../shared/errors';

/** The part of the Python extension's public API we use (ms-python.python `environments`). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/**
 * The interpreter the user selected in the Python extension for `resource`, else `python3`.
 * Never throws: a missing or older Python extension just means the default.
 */
export async function selectedPython(resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return 'python3';
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    if (!envs) return 'python3';
    const resolved = await envs.resolveEnvironment(envs.getActiveEnvironmentPath(resource));
    return resolved?.executable.uri?.fsPath ?? 'python3';
  } catch (e) {
    log.warn(`Could not ask the Python extension for the interpreter; using python3 (${errorMessage(e)})`);
    return 'python3';
  }
}
