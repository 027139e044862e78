import * as vscode from 'vscode';
import { requireTrust } from '../runs/tracking/runWithTracking';
import { selectedPython } from '../shared/pythonInterpreter';
import { clientDirOf } from '../shared/workspaceDirs';

export const INSTALL_TASK_TYPE = 'mlwb-install-client';

/** `python -m pip install <dir>` as an argument array: no shell ever parses the paths. */
export function installArgs(clientDir: string): string[] {
  return ['-m', 'pip', 'install', '--upgrade', clientDir];
}

/** The same command for a person to paste; quoted for POSIX shells and PowerShell alike. */
export function displayCommand(python: string, clientDir: string): string {
  const q = (s: string) => (/^[\w@%+=:,./\\-]+$/.test(s) ? s : `"${s.replace(/"/g, '\\"')}"`);
  return [python, ...installArgs(clientDir)].map(q).join(' ');
}

/**
 * "Install Python Client": installs the client bundled with the extension into the interpreter
 * selected in the Python extension, as a task the user can watch. Kernels that VS Code did not
 * start (a remote Jupyter server, another environment) need the command run there, so it is shown.
 */
export async function installClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, resource?: vscode.Uri): Promise<void> {
  if (!(await requireTrust('install packages'))) return;
  const target = resource instanceof vscode.Uri ? resource : (vscode.window.activeTextEditor?.document.uri ?? vscode.window.activeNotebookEditor?.notebook.uri);
  const python = await selectedPython(target, log);
  const dir = clientDirOf(context);
  const folder = (target && vscode.workspace.getWorkspaceFolder(target)) ?? vscode.workspace.workspaceFolders?.[0];
  const task = new vscode.Task(
    { type: INSTALL_TASK_TYPE },
    folder ?? vscode.TaskScope.Global,
    'Install the mlwb Python client',
    'ML Workbench',
    new vscode.ProcessExecution(python, installArgs(dir)),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  const shown = displayCommand(python, dir);
  log.info(`Install Python Client: ${shown}`);
  const ended = new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.definition.type !== INSTALL_TASK_TYPE) return;
      sub.dispose();
      resolve(e.exitCode);
    });
  });
  await vscode.tasks.executeTask(task);
  const code = await ended;
  const elsewhere = `For a kernel VS Code did not start, run \`%pip install "${dir}"\` in one of its cells, or in its environment: ${shown}`;
  const choice =
    code === 0
      ? await vscode.window.showInformationMessage(`Installed the mlwb client into ${python}. ${elsewhere}`, 'Copy Command')
      : await vscode.window.showErrorMessage(
          `Installing the mlwb client into ${python} failed (exit ${code ?? '?'}); see the task's terminal. ${elsewhere}`,
          'Copy Command',
        );
  if (choice) await vscode.env.clipboard.writeText(shown);
}
