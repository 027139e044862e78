import type * as vscode from 'vscode';

/** Something that owns one webview panel. */
export interface PanelController extends vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
}

/**
 * Open panels by key (e.g. one per run), so opening the same thing twice reveals the existing
 * panel. A panel leaves the registry when the user closes it.
 */
export class PanelRegistry<T extends PanelController> implements vscode.Disposable {
  private readonly panels = new Map<string, T>();

  get(key: string): T | undefined {
    return this.panels.get(key);
  }

  add(key: string, controller: T): T {
    this.panels.set(key, controller);
    controller.panel.onDidDispose(() => {
      if (this.panels.get(key) === controller) this.panels.delete(key);
      controller.dispose();
    });
    return controller;
  }

  all(): IterableIterator<T> {
    return this.panels.values();
  }

  dispose(): void {
    for (const c of [...this.panels.values()]) c.panel.dispose();
    this.panels.clear();
  }
}
