import * as vscode from 'vscode';
import { formatRelativeTime } from '../../shared/format';
import type { Run } from '../../shared/runModel';
import type { BackendPool } from '../backend/backendPool';
import type { ExperimentsNode } from '../runs/experimentsTree';
import { codeUri } from './codeDocuments';
import { compareCodeOutcome } from './compareCodeOutcome';
import { reportError } from '../shared/errors';

type RunPick = { folder: vscode.WorkspaceFolder; run: Run };

/**
 * "Compare Code": VS Code's diff editor between two runs' code versions, the older on the left.
 * From the Experiments view with two runs selected VS Code passes `(clicked, selected[])`; with
 * fewer, the missing runs are picked from a list.
 */
export async function compareCode(backends: BackendPool, node?: ExperimentsNode, nodes?: readonly ExperimentsNode[]): Promise<void> {
  const selected = (nodes && nodes.length > 0 ? nodes : node ? [node] : []).filter((n): n is Extract<ExperimentsNode, { kind: 'run' }> => n?.kind === 'run');
  if (selected.length > 2) {
    void vscode.window.showInformationMessage('Compare Code compares two runs: select exactly two.');
    return;
  }
  const picks: RunPick[] = selected.map((n) => ({ folder: n.folder, run: n.run }));
  while (picks.length < 2) {
    const next = await pickRun(backends, picks[0]?.run.id, picks.length === 0 ? 'first' : 'second');
    if (!next) return;
    picks.push(next);
  }
  picks.sort((x, y) => x.run.start_time.localeCompare(y.run.start_time));
  const [a, b] = picks as [RunPick, RunPick];
  try {
    const [da, db] = await Promise.all([a, b].map((p) => backends.forFolder(p.folder).request('code/get', { id: p.run.id })));
    const left = codeUri(a.folder, a.run.id, a.run.name, da!.fileName);
    const right = codeUri(b.folder, b.run.id, b.run.name, db!.fileName);
    const outcome = compareCodeOutcome(da!, db!);
    if (outcome.kind === 'diff') {
      await vscode.commands.executeCommand('vscode.diff', left, right, outcome.title, { preview: true });
      return;
    }
    const open = outcome.openCode ? 'Open Code' : undefined;
    const choice = await vscode.window.showInformationMessage(outcome.message, ...(open ? [open] : []));
    if (choice === open && open) await vscode.window.showTextDocument(right, { preview: true });
  } catch (e) {
    reportError(e);
  }
}

async function pickRun(backends: BackendPool, exclude: string | undefined, which: string): Promise<RunPick | undefined> {
  const items = (
    await Promise.all(
      backends.folders().map(async (folder) => {
        const runs = await backends
          .forFolder(folder)
          .request('runs/list', { limit: 1000 })
          .catch(() => [] as Run[]);
        return runs.filter((r) => r.id !== exclude).map((run) => ({ folder, run }));
      }),
    )
  ).flat();
  if (items.length === 0) {
    void vscode.window.showInformationMessage('There are no runs to compare yet.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(
    items.map((p) => ({
      label: p.run.name,
      description: `${p.run.experiment} · ${p.run.status} · ${formatRelativeTime(p.run.start_time)}`,
      detail: p.run.source.path ?? undefined,
      pick: p,
    })),
    { title: `Compare Code: pick the ${which} run`, matchOnDescription: true, matchOnDetail: true },
  );
  return chosen?.pick;
}
