import * as vscode from 'vscode';
import { isMainGuard } from '../../../core/tracking/trackedCommand';

/** "Run with Tracking" above `if __name__ == "__main__":` in Python files. */
export class MainGuardCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (let i = 0; i < document.lineCount; i++) {
      const line = document.lineAt(i);
      if (isMainGuard(line.text)) {
        lenses.push(new vscode.CodeLens(line.range, { title: '$(play) Run with Tracking', command: 'mlwb.runWithTracking', arguments: [document.uri] }));
      }
    }
    return lenses;
  }
}
