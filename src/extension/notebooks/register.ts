import * as vscode from 'vscode';
import type { ExperimentsNode } from '../runs/experimentsTree';
import type { ExtensionKit, FeatureContribution } from '../shared/commands';
import { RunCellStatusBarProvider } from './cellStatusBar';
import { CODE_SCHEME, CodeContentProvider } from './codeDocuments';
import { compareCode } from './compareCode';
import { installClient } from './installClient';

/** Notebooks and code versions: cell status items, the `mlwb-code` documents and their commands. */
export function registerNotebooks(kit: ExtensionKit): FeatureContribution<'notebooks'> {
  const cells = new RunCellStatusBarProvider(kit.backends);
  return {
    commands: {
      'mlwb.compareCode': (node?: ExperimentsNode, nodes?: ExperimentsNode[]) => compareCode(kit.backends, node, nodes),
      'mlwb.installClient': (uri?: vscode.Uri) => installClient(kit.context, kit.log, uri),
    },
    disposables: [
      cells,
      vscode.notebooks.registerNotebookCellStatusBarItemProvider('jupyter-notebook', cells),
      vscode.workspace.registerTextDocumentContentProvider(CODE_SCHEME, new CodeContentProvider(kit.backends)),
    ],
  };
}
