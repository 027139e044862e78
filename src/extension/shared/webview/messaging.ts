import type * as vscode from 'vscode';
import { type Handlers, type Message, type MessageMap, type Validators, createReceiver } from '../../../shared/messages';

export interface PanelChannel<Out extends MessageMap> extends vscode.Disposable {
  /** Resolves false when the webview is gone or not loaded (the message is dropped). */
  post(message: Message<Out>): Thenable<boolean>;
}

/**
 * The host end of a webview's message contract: incoming messages are validated (a webview shows
 * user data and is treated as untrusted) and dispatched through the view's handler table.
 */
export function connectPanel<In extends MessageMap, Out extends MessageMap>(
  webview: vscode.Webview,
  validators: Validators<In>,
  handlers: Handlers<In>,
  log: vscode.LogOutputChannel,
): PanelChannel<Out> {
  const receive = createReceiver(validators, handlers, (raw) => log.warn(`Ignored an invalid webview message: ${JSON.stringify(raw)?.slice(0, 200)}`));
  const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
    try {
      await receive(raw);
    } catch (e) {
      log.error(`Webview message handler failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  });
  return {
    post: (message) => webview.postMessage(message),
    dispose: () => subscription.dispose(),
  };
}
