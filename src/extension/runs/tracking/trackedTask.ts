import * as path from 'node:path';
import * as vscode from 'vscode';
import { trackedCommand } from '../../../core/tracking/trackedCommand';
import { selectedPython } from '../../shared/pythonInterpreter';
import { clientDirOf, mlwbDirOf } from '../../shared/workspaceDirs';

export const TASK_TYPE = 'mlwb';

/** The `tasks.json` shape of a tracked run: `{ "type": "mlwb", "script": "train.py", "args": [...] }`. */
export interface TrackedTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  script: string;
  args?: string[];
  experiment?: string;
}

/**
 * Builds the VS Code task that runs a script with tracking: a process execution (argument array,
 * no shell) in a visible terminal, with the client and workspace wired in through env.
 */
export async function createTrackedTask(
  context: vscode.ExtensionContext,
  folder: vscode.WorkspaceFolder,
  definition: TrackedTaskDefinition,
  log: vscode.LogOutputChannel,
): Promise<vscode.Task> {
  const script = path.resolve(folder.uri.fsPath, definition.script);
  const cmd = trackedCommand({
    script,
    args: definition.args,
    python: await selectedPython(vscode.Uri.file(script), log),
    mlwbDir: mlwbDirOf(folder),
    clientDir: clientDirOf(context),
    experiment: definition.experiment,
    inheritedPythonPath: process.env['PYTHONPATH'],
  });
  const task = new vscode.Task(
    definition,
    folder,
    `Run ${path.relative(folder.uri.fsPath, script)} with tracking`,
    'ML Workbench',
    new vscode.ProcessExecution(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };
  task.detail = `${cmd.command} ${cmd.args.map(quoteForDisplay).join(' ')}`;
  return task;
}

/** Resolves `mlwb` tasks from tasks.json; offers no auto-detected tasks (entry points come from the Experiments view). */
export function registerTrackedTaskProvider(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    provideTasks: () => [],
    resolveTask: async (task) => {
      const def = task.definition as TrackedTaskDefinition;
      const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
      if (!def.script || !folder) return undefined;
      return createTrackedTask(context, folder, def, log);
    },
  });
}

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
