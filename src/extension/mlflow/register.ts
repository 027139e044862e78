import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { reportError } from '../shared/errors';

const SETTING = 'mlwb.mlflow.endpoint.enabled';

/**
 * MLflow users change nothing: each workspace folder's backend serves an MLflow-compatible
 * endpoint on 127.0.0.1, and terminals and tasks opened in the window get MLFLOW_TRACKING_URI and
 * MLFLOW_TRACKING_TOKEN pointing at it (scoped per folder). Off with `mlwb.mlflow.endpoint.enabled`;
 * never in an untrusted workspace. Plus "Import MLflow Runs…" with progress.
 */
export function registerMlflow(kit: ExtensionKit): FeatureContribution<'mlflow'> {
  const collection = kit.context.environmentVariableCollection;
  const apply = async (): Promise<void> => {
    for (const folder of kit.backends.folders()) {
      const scoped = collection.getScoped({ workspaceFolder: folder });
      const enabled = vscode.workspace.isTrusted && vscode.workspace.getConfiguration('mlwb', folder.uri).get<boolean>('mlflow.endpoint.enabled', true);
      try {
        const info = await kit.backends.forFolder(folder).request('mlflow/endpoint', { enabled });
        if (info) {
          scoped.replace('MLFLOW_TRACKING_URI', info.url);
          scoped.replace('MLFLOW_TRACKING_TOKEN', info.token);
          kit.log.info(`MLflow endpoint for ${folder.name}: ${info.url}`);
        } else {
          scoped.delete('MLFLOW_TRACKING_URI');
          scoped.delete('MLFLOW_TRACKING_TOKEN');
        }
      } catch (e) {
        scoped.delete('MLFLOW_TRACKING_URI');
        scoped.delete('MLFLOW_TRACKING_TOKEN');
        kit.log.warn(`MLflow endpoint for ${folder.name} not started: ${(e as Error).message}`);
      }
    }
  };
  // After activation, like the backends themselves; terminals opened later get the variables.
  const timer = setTimeout(() => void apply(), 0);

  return {
    commands: {
      'mlwb.mlflow.importRuns': async () => {
        const folder = await pickFolder(kit);
        if (!folder) return;
        const picked = await vscode.window.showOpenDialog({
          title: 'Import MLflow Runs: an mlruns/ folder or an mlflow.db file',
          canSelectFiles: true,
          canSelectFolders: true,
          canSelectMany: false,
          defaultUri: folder.uri,
          openLabel: 'Import',
        });
        if (!picked?.[0]) return;
        const opId = crypto.randomUUID();
        try {
          const result = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: 'Importing MLflow runs' },
            async (progress) => {
              let last = 0;
              const sub = kit.backends.onMlflowImportProgress((p) => {
                if (p.opId !== opId || p.total === 0) return;
                const pct = (100 * p.done) / p.total;
                progress.report({ message: `${p.done} of ${p.total} runs`, increment: pct - last });
                last = pct;
              });
              try {
                return await kit.backends.forFolder(folder).request('mlflow/import', { path: picked[0]!.fsPath, opId });
              } finally {
                sub.dispose();
              }
            },
          );
          void vscode.window.showInformationMessage(
            `ML Workbench: imported ${result.created} new MLflow run(s), updated ${result.updated}, ${result.unchanged} already imported.`,
          );
        } catch (e) {
          reportError(e, { action: 'Import MLflow runs', log: kit.log });
        }
      },
    },
    disposables: [
      { dispose: () => clearTimeout(timer) },
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING) && void apply()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void apply()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void apply()),
    ],
  };
}

async function pickFolder(kit: ExtensionKit): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = kit.backends.folders();
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Import into which workspace folder?' });
}
