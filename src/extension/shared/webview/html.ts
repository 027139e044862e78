import * as vscode from 'vscode';
import { createNonce, webviewPage } from './htmlTemplate';

/** Where webview bundles live (scripts/build.mjs writes dist/webview/<view>.js and .css). */
export function webviewDist(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/**
 * Scripts on, and file access limited to the bundles, the extension's media and whatever the view
 * itself must show (e.g. a run's artifacts folder for image previews).
 */
export function webviewOptions(extensionUri: vscode.Uri, extraRoots: readonly vscode.Uri[] = []): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [webviewDist(extensionUri), vscode.Uri.joinPath(extensionUri, 'media'), ...extraRoots],
  };
}

/** The HTML for `view` (a folder under webview/), with a fresh nonce each time. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: string, title: string, init: unknown): string {
  const dist = webviewDist(extensionUri);
  const uri = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...segments)).toString();
  return webviewPage({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    title,
    scriptUri: uri(`${view}.js`),
    styleUris: [uri(`${view}.css`)],
    codiconsUri: uri('codicons', 'codicon.css'),
    init,
  });
}
