import type * as vscode from 'vscode';

/**
 * A view whose feature has not reached this workspace yet: it has no items, so VS Code shows the
 * view's welcome content (package.json `viewsWelcome`), which tells the user how to start.
 */
export class EmptyTreeProvider implements vscode.TreeDataProvider<never> {
  getChildren(): never[] {
    return [];
  }

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
}
