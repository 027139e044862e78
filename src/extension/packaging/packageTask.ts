/**
 * The `mlwb` task type's packaging tasks: "package <ref>" for each registered model in Run Task,
 * and `{"type": "mlwb", "package": "iris@champion", "out": "dist/iris"}` in tasks.json. The runs
 * feature resolves the same type's `script` tasks; each provider answers only its own definitions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { mlwbDirOf } from '../shared/workspaceDirs';
import { isPackageTaskDefinition, packageProcess, packageTaskName, type PackageTaskDefinition } from './packageCommandLine';

export function createPackageTask(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder, def: PackageTaskDefinition): vscode.Task {
  const p = packageProcess(def, folder.uri.fsPath, mlwbDirOf(folder), context.extensionPath, process.execPath);
  const task = new vscode.Task(
    { ...def },
    folder,
    packageTaskName(def.package),
    'ML Workbench',
    new vscode.ProcessExecution(p.command, p.args, { cwd: p.cwd, env: p.env }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false };
  task.detail = `mlwb ${p.args.slice(1).join(' ')}`;
  return task;
}

/** Registered model names of a folder: the registry's per-model folders (cheap, no backend round trip). */
function modelNames(folder: vscode.WorkspaceFolder): string[] {
  const dir = path.join(mlwbDirOf(folder), 'models');
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'events.jsonl')))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export function registerPackageTaskProvider(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.tasks.registerTaskProvider('mlwb', {
    provideTasks: () =>
      vscode.workspace.isTrusted
        ? (vscode.workspace.workspaceFolders ?? []).flatMap((folder) =>
            modelNames(folder).map((name) => createPackageTask(context, folder, { type: 'mlwb', package: name })),
          )
        : [],
    resolveTask: (task) => {
      const def = task.definition as { type: string } & Record<string, unknown>;
      const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
      if (!isPackageTaskDefinition(def) || !folder || !vscode.workspace.isTrusted) return undefined;
      return createPackageTask(context, folder, def);
    },
  });
}
