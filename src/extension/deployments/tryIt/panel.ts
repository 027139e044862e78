// The Try It panel in the extension host: loads the model's metadata, answers the webview's
// requests through tryItClient (plain fetch to the loopback server) and copies curl commands.
import * as vscode from 'vscode';
import type { Handlers } from '../../../shared/messages';
import { type FromTryIt, type ToTryIt, type TryItInit, fromTryItValidators } from '../../../protocol/webview/tryIt';
import { connectPanel, type PanelChannel } from '../../shared/webview/messaging';
import { fetchMetadata, sendInfer } from './client';

export class TryItPanel implements vscode.Disposable {
  private readonly channel: PanelChannel<ToTryIt>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly init: TryItInit,
    /** Held in the host only; the webview and its saved state never see it. */
    private readonly token: string | undefined,
    log: vscode.LogOutputChannel,
  ) {
    const handlers: Handlers<FromTryIt> = {
      ready: () => this.load(),
      infer: async (m) => {
        const result = await sendInfer(this.init, m.inputs, this.token);
        await this.channel.post({ type: 'result', result });
      },
      copy: async (m) => {
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.setStatusBarMessage('ML Workbench: curl command copied', 3000);
      },
    };
    this.channel = connectPanel(panel.webview, fromTryItValidators, handlers, log);
  }

  private async load(): Promise<void> {
    try {
      const metadata = await fetchMetadata(this.init, this.token);
      await this.channel.post({ type: 'metadata', metadata });
    } catch (e) {
      await this.channel.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}
