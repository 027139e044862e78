import * as vscode from 'vscode';
import type { BackendPool } from '../../backend/backendPool';

export const RUN_DIFF_SCHEME = 'mlwb-run-diff';

/**
 * The uncommitted diff a run kept, as a read-only virtual document (language `diff`). It is read
 * from the backend on open, so the document also works after a window reload.
 */
export class RunDiffProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly backends: BackendPool) {}

  static uri(folderUri: string, runId: string, runName: string): vscode.Uri {
    const file = `${runName.replace(/[^\w.-]+/g, '_')}-${runId.slice(0, 8)}.diff`;
    const query = new URLSearchParams({ folder: folderUri, run: runId }).toString();
    return vscode.Uri.from({ scheme: RUN_DIFF_SCHEME, path: `/${file}`, query });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const folder = this.backends.folders().find((f) => f.uri.toString() === q.get('folder'));
    const runId = q.get('run');
    if (!folder || !runId) return '# This run is not in an open workspace folder.\n';
    const { run, context } = await this.backends.forFolder(folder).request('runs/details', { id: runId });
    const git = context?.git;
    if (!git?.diff) return `# Run ${run.name} (${run.id}) kept no diff: its working tree was clean or not captured.\n`;
    const header = [
      `# Uncommitted changes when run "${run.name}" (${run.id}) started`,
      `# against commit ${git.commit ?? 'unknown'}${git.branch ? ` on ${git.branch}` : ''}`,
      (git as { diff_truncated?: unknown }).diff_truncated === true ? '# (truncated: the diff was larger than the client keeps)' : undefined,
    ].filter((l) => l !== undefined);
    return `${header.join('\n')}\n${git.diff}`;
  }
}

export async function showRunDiff(folderUri: string, runId: string, runName: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(RunDiffProvider.uri(folderUri, runId, runName));
  const diff = doc.languageId === 'diff' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'diff');
  await vscode.window.showTextDocument(diff, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
