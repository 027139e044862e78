// The Try It panel in the extension host: loads the model's metadata, answers the webview's
// requests through tryItClient (plain fetch to the loopback server) and copies curl commands.
import * as vscode from 'vscode';
import type { Handlers } from '../../../shared/messages';
import { type FromTryIt, type ModelMetadata, type ToTryIt, type TryItInit, fromTryItValidators } from '../../../protocol/webview/tryIt';
import type { TryItSample } from '../../../protocol/tryIt';
import { connectPanel, type PanelChannel } from '../../shared/webview/messaging';
import { fetchMetadata, mergeSample, sendInfer } from './client';

export class TryItPanel implements vscode.Disposable {
  private readonly channel: PanelChannel<ToTryIt>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly init: TryItInit,
    /** Held in the host only; the webview and its saved state never see it. */
    private readonly token: string | undefined,
    log: vscode.LogOutputChannel,
    /** Asks the workspace backend for feature names and a training row of a registered version. */
    private readonly sample?: (ref: string) => Promise<TryItSample>,
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
      await this.channel.post({ type: 'metadata', metadata: await this.withLineage(metadata) });
    } catch (e) {
      await this.channel.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * Adds what the registry knows (feature names, a row of the training snapshot) to the server's
   * metadata. The served model may not be in this workspace's registry: then the form stays as is.
   */
  private async withLineage(metadata: ModelMetadata): Promise<ModelMetadata> {
    const version = this.init.version ?? metadata.parameters?.version;
    if (!this.sample || !version) return metadata;
    try {
      return mergeSample(metadata, await this.sample(`${this.init.model}:${version}`));
    } catch {
      return metadata;
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}
