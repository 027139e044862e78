import * as vscode from 'vscode';
import type { BackendPool } from '../backend/backendPool';
import type { ExperimentsNode } from '../runs/experimentsTree';
import { RunCellStatusBarProvider } from './cellStatusBar';
import { CODE_SCHEME, CodeContentProvider } from './codeDocuments';
import { compareCode } from './compareCode';
import { installClient } from './installClient';

export interface NotebookDeps {
  readonly context: vscode.ExtensionContext;
  readonly backends: BackendPool;
  readonly log: vscode.LogOutputChannel;
}

/** Notebooks and code versions: cell status items, the `mlwb-code` documents and their commands. */
export function registerNotebookFeatures(deps: NotebookDeps): vscode.Disposable[] {
  const cells = new RunCellStatusBarProvider(deps.backends);
  return [
    cells,
    vscode.notebooks.registerNotebookCellStatusBarItemProvider('jupyter-notebook', cells),
    vscode.workspace.registerTextDocumentContentProvider(CODE_SCHEME, new CodeContentProvider(deps.backends)),
    vscode.commands.registerCommand('mlwb.compareCode', (node?: ExperimentsNode, nodes?: ExperimentsNode[]) => compareCode(deps.backends, node, nodes)),
    vscode.commands.registerCommand('mlwb.installClient', (uri?: vscode.Uri) => installClient(deps.context, deps.log, uri)),
  ];
}
