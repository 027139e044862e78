import * as vscode from 'vscode';
import type { RunEdit } from '../../protocol/backend';
import type { BackendPool } from '../backend/backendPool';
import type { ExperimentsNode, ExperimentsTreeProvider } from './experimentsTree';
import type { CommandHandlers } from '../shared/commands';
import { reportError } from '../shared/errors';

type RunNode = Extract<ExperimentsNode, { kind: 'run' }>;

/** Run actions from the Experiments view's context menu; each edit is recorded in the run's log. */
type RunCommand = 'mlwb.renameRun' | 'mlwb.tagRun' | 'mlwb.deleteRun' | 'mlwb.restoreRun' | 'mlwb.copyRunId' | 'mlwb.showDeletedRuns' | 'mlwb.hideDeletedRuns';

export function runCommandTable(backends: BackendPool, tree: ExperimentsTreeProvider): CommandHandlers<RunCommand> {
  const edit = async (node: RunNode, change: RunEdit) => {
    try {
      await backends.forFolder(node.folder).request('runs/edit', { id: node.run.id, edit: change });
      tree.refresh();
    } catch (e) {
      reportError(e);
    }
  };
  const forRun = (fn: (node: RunNode) => unknown) => (node?: ExperimentsNode) => {
    if (node?.kind === 'run') return fn(node);
    void vscode.window.showInformationMessage('Pick a run in the ML Workbench Experiments view first.');
  };
  return {
    'mlwb.renameRun': forRun(async (node) => {
      const value = await vscode.window.showInputBox({
        title: 'Rename Run',
        value: node.run.name,
        validateInput: (v) => (v.trim() ? undefined : 'A run name cannot be empty.'),
      });
      if (value !== undefined && value.trim() !== node.run.name) await edit(node, { field: 'name', value });
    }),
    'mlwb.tagRun': forRun(async (node) => {
      const input = await vscode.window.showInputBox({
        title: `Tag ${node.run.name}`,
        prompt: 'key=value (an empty value removes the tag)',
        placeHolder: 'stage=candidate',
        validateInput: (v) => (/^[\w\-. /]{1,250}=/.test(v.trim()) ? undefined : 'Write key=value, e.g. stage=candidate'),
      });
      if (input === undefined) return;
      const at = input.indexOf('=');
      const key = input.slice(0, at).trim();
      const value = input.slice(at + 1).trim();
      await edit(node, { field: 'tag', key, value: value === '' ? null : value });
    }),
    'mlwb.deleteRun': forRun(async (node) => {
      const choice = await vscode.window.showWarningMessage(
        `Delete run "${node.run.name}"?`,
        { modal: true, detail: 'The run is hidden from views and listings. Its files stay on disk, and "Show Deleted Runs" lets you restore it.' },
        'Delete',
      );
      if (choice === 'Delete') await edit(node, { field: 'lifecycle', value: 'deleted' });
    }),
    'mlwb.restoreRun': forRun((node) => edit(node, { field: 'lifecycle', value: 'active' })),
    'mlwb.copyRunId': forRun(async (node) => {
      await vscode.env.clipboard.writeText(node.run.id);
      vscode.window.setStatusBarMessage(`Copied run id ${node.run.id}`, 3000);
    }),
    'mlwb.showDeletedRuns': () => tree.setShowDeleted(true),
    'mlwb.hideDeletedRuns': () => tree.setShowDeleted(false),
  };
}
