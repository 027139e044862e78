import * as vscode from 'vscode';
import type { CodeView } from '../../protocol/backend';
import type { BackendPool } from '../backend/backendPool';
import { errorMessage } from '../../shared/errors';

/** Read-only documents holding a run's code version: `mlwb-code:/<run name>/<file>?folder=…&run=…&view=…`. */
export const CODE_SCHEME = 'mlwb-code';

export function codeUri(folder: vscode.WorkspaceFolder, runId: string, runName: string, fileName: string, view: CodeView = 'source'): vscode.Uri {
  // The path is what the editor tab shows; its file name picks the language (train.ipynb.py → Python).
  const safe = (s: string) => s.replace(/[/\\?#]/g, '_');
  const query = new URLSearchParams({ folder: folder.uri.toString(), run: runId, view }).toString();
  return vscode.Uri.from({ scheme: CODE_SCHEME, path: `/${safe(runName)}/${safe(fileName)}`, query });
}

/** Serves those documents from the folder's backend; VS Code keeps them read-only. */
export class CodeContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly backends: BackendPool) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const folder = this.backends.folders().find((f) => f.uri.toString() === q.get('folder'));
    const runId = q.get('run');
    if (!folder || !runId) return '# This run belongs to a folder that is no longer open.\n';
    const view = q.get('view') === 'raw' ? 'raw' : 'source';
    try {
      return (await this.backends.forFolder(folder).request('code/get', { id: runId, view })).text;
    } catch (e) {
      return `# Could not read the code of run ${runId}: ${errorMessage(e)}\n`;
    }
  }
}
