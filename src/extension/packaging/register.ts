/**
 * Packaging in VS Code: "Package Model" (palette and the Models view's version and model items)
 * and the `mlwb` package tasks. The command runs the same task, so the terminal shows the CLI's
 * progress while a cancellable notification waits for it to finish.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import type { ModelsNode } from '../models/modelsTree';
import { defaultOutDir } from './packageCommandLine';
import { createPackageTask, registerPackageTaskProvider } from './packageTask';

function refOf(node: ModelsNode | undefined): { folder: vscode.WorkspaceFolder; ref: string } | undefined {
  if (node?.kind === 'version') return { folder: node.folder, ref: `${node.version.name}:${node.version.version}` };
  if (node?.kind === 'model') return { folder: node.folder, ref: node.model.name };
  return undefined;
}

async function askRef(): Promise<{ folder: vscode.WorkspaceFolder; ref: string } | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder of the model' }) : folders[0];
  if (!folder) return undefined;
  const ref = await vscode.window.showInputBox({
    title: 'Package Model',
    prompt: 'Model to package: name, name:version or name@alias',
    placeHolder: 'iris@champion',
    validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]*([:@][A-Za-z0-9._-]+)?$/.test(v.trim()) ? undefined : 'name, name:version or name@alias'),
  });
  return ref ? { folder, ref: ref.trim() } : undefined;
}

/** Runs a task and resolves with its process's exit code (undefined when it was terminated). */
function runTask(task: vscode.Task, token: vscode.CancellationToken): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = (code: number | undefined) => {
      subs.forEach((d) => d.dispose());
      resolve(code);
    };
    vscode.tasks.executeTask(task).then((execution) => {
      subs.push(
        vscode.tasks.onDidEndTaskProcess((e) => e.execution === execution && done(e.exitCode)),
        token.onCancellationRequested(() => execution.terminate()),
      );
    }, reject);
  });
}

export function registerPackaging(kit: ExtensionKit): FeatureContribution<'packaging'> {
  return {
    commands: {
      'mlwb.models.package': async (node?: ModelsNode) => {
        if (!vscode.workspace.isTrusted) {
          void vscode.window.showWarningMessage('Packaging runs ML Workbench tools on this workspace; trust the workspace to package models.');
          return;
        }
        const target = refOf(node) ?? (await askRef());
        if (!target) return;
        const outRel = await vscode.window.showInputBox({
          title: `Package ${target.ref}`,
          prompt: 'Folder for the build context (relative to the workspace folder); an earlier package there is replaced',
          value: defaultOutDir(target.ref),
        });
        if (!outRel) return;
        const task = createPackageTask(kit.context, target.folder, { type: 'mlwb', package: target.ref, out: outRel });
        const code = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Packaging ${target.ref}…`, cancellable: true },
          (_p, token) => runTask(task, token),
        );
        if (code === 0) {
          const readme = vscode.Uri.file(path.join(path.resolve(target.folder.uri.fsPath, outRel), 'README.md'));
          const pick = await vscode.window.showInformationMessage(`Packaged ${target.ref} in ${outRel}.`, 'Open README');
          if (pick) await vscode.window.showTextDocument(readme);
        } else if (code !== undefined) {
          void vscode.window.showErrorMessage(`Packaging ${target.ref} failed (exit ${code}); the reason is in the "${task.name}" terminal.`);
        }
      },
    },
    disposables: [registerPackageTaskProvider(kit.context)],
  };
}
