/**
 * The page every webview starts from. No `vscode` import, so the CSP and escaping are unit-tested
 * and the browser harness (test/webview-harness) serves exactly what VS Code would.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewPageOptions {
  /** `webview.cspSource`: the origin VS Code serves `asWebviewUri` resources from. */
  cspSource: string;
  nonce: string;
  title: string;
  scriptUri: string;
  styleUris: readonly string[];
  /** The codicons stylesheet; vscode-elements' <vscode-icon> finds it by its id. */
  codiconsUri: string;
  /** JSON the page reads synchronously at start (which run, which folder), before any message. */
  init: unknown;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * Nothing by default; scripts only with this page's nonce; styles, fonts and images only from the
 * extension's own files (plus data: images). No inline styles, no eval, no network.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource} data:`].join('; ');
}

export function webviewPage(o: WebviewPageOptions): string {
  const styles = o.styleUris.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(o.title)}</title>
    <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeHtml(o.codiconsUri)}">
    ${styles}
  </head>
  <body data-init="${escapeHtml(JSON.stringify(o.init ?? null))}">
    <div id="app"></div>
    <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
  </body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
