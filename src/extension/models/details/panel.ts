import * as vscode from 'vscode';
import type { ModelVersionDetails } from '../../../protocol/models';
import type { Handlers } from '../../../shared/messages';
import { errorMessage } from '../../../shared/errors';
import {
  type FromModelDetails,
  type ModelDetailsInit,
  type ToModelDetails,
  MODEL_DETAILS_VIEW_TYPE,
  fromModelDetailsValidators,
  isModelDetailsState,
} from '../../../protocol/webview/modelDetails';
import type { BackendPool } from '../../backend/backendPool';
import type { CommandId } from '../../contributions';
import type { ExtensionKit } from '../../shared/commands';
import { connectPanel, type PanelChannel } from '../../shared/webview/messaging';
import { webviewHtml, webviewOptions } from '../../shared/webview/html';
import { PanelRegistry } from '../../shared/webview/panelRegistry';

/** The Models view's commands the panel's buttons run, with the panel's version as the node. */
type VersionCommand = CommandId<'models'> & ('mlwb.models.setAlias' | 'mlwb.models.openCard' | 'mlwb.models.copyReference');

/** One model version's details panel; re-sends when the model's log changes. */
class ModelDetailsPanel implements vscode.Disposable {
  private readonly channel: PanelChannel<ToModelDetails>;
  private details: ModelVersionDetails | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly folder: vscode.WorkspaceFolder,
    readonly init: ModelDetailsInit,
    private readonly backends: BackendPool,
    log: vscode.LogOutputChannel,
  ) {
    const handlers: Handlers<FromModelDetails> = {
      ready: () => this.reload(),
      refresh: () => this.reload(),
      setAlias: () => this.run('mlwb.models.setAlias'),
      openCard: () => this.run('mlwb.models.openCard'),
      copyReference: () => this.run('mlwb.models.copyReference'),
      openRun: () => {
        const openRun: CommandId<'runs'> = 'mlwb.openRun';
        if (this.details?.run) void vscode.commands.executeCommand(openRun, { folderUri: folder.uri.toString(), runId: this.details.run.id });
      },
    };
    this.channel = connectPanel(panel.webview, fromModelDetailsValidators, handlers, log);
  }

  private run(command: VersionCommand): void {
    void vscode.commands.executeCommand(command, this.node());
  }

  private node(): unknown {
    return this.details ? { kind: 'version', folder: this.folder, model: this.init.name, version: this.details.version } : undefined;
  }

  async reload(): Promise<void> {
    try {
      this.details = await this.backends.forFolder(this.folder).request('models/details', { ref: `${this.init.name}:${this.init.version}` });
      await this.channel.post({ type: 'details', details: this.details });
    } catch (e) {
      // Shown in the page (e.g. "the version was deleted"), where the user is looking.
      await this.channel.post({ type: 'error', message: errorMessage(e) });
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** `mlwb.models.showDetails`'s panels, their serializer (restored after a reload), and live refresh. */
export function registerModelDetails(deps: ExtensionKit): {
  open: (folder: vscode.WorkspaceFolder, name: string, version: number) => void;
  disposables: vscode.Disposable[];
} {
  const { backends, log, context } = deps;
  const panels = new PanelRegistry<ModelDetailsPanel>();
  const key = (init: ModelDetailsInit) => `${init.folderUri}|${init.name}:${init.version}`;

  function attach(panel: vscode.WebviewPanel, init: ModelDetailsInit): ModelDetailsPanel | undefined {
    const folder = backends.folders().find((f) => f.uri.toString() === init.folderUri);
    if (!folder) return undefined;
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'modelDetails', panel.title, init);
    return panels.add(key(init), new ModelDetailsPanel(panel, folder, init, backends, log));
  }

  function open(folder: vscode.WorkspaceFolder, name: string, version: number): void {
    const init: ModelDetailsInit = { folderUri: folder.uri.toString(), name, version };
    const existing = panels.get(key(init));
    if (existing) return existing.panel.reveal();
    const panel = vscode.window.createWebviewPanel(MODEL_DETAILS_VIEW_TYPE, `${name}:${version}`, vscode.ViewColumn.Active, { enableFindWidget: true });
    if (!attach(panel, init)) panel.dispose();
  }

  const serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel(panel, state) {
      if (!isModelDetailsState(state) || !attach(panel, state.init)) panel.dispose();
      return Promise.resolve();
    },
  };

  return {
    open,
    disposables: [
      panels,
      vscode.window.registerWebviewPanelSerializer(MODEL_DETAILS_VIEW_TYPE, serializer),
      backends.onDidChangeModels(({ folder, names }) => {
        for (const p of panels.all()) {
          if (p.folder.uri.toString() === folder.uri.toString() && (names.length === 0 || names.includes(p.init.name))) void p.reload();
        }
      }),
    ],
  };
}
