// What a Try It panel restored after a window reload talks to. A panel on a server the user runs
// (a deployment, `mlwb serve`) reconnects to the same URL. A panel on a temporary server the
// extension started for a registered version cannot: that server belonged to the backend of the
// previous window and is gone, so the restore starts a new one (the URL changes) or, when that
// fails, says what to do instead of leaving a form that "cannot reach" anything. vscode-free.
import type { TryItInit } from '../../../protocol/webview/tryIt';
import type { TryItServer } from '../../../protocol/tryIt';
import { errorMessage } from '../../../shared/errors';

export type Restored =
  { kind: 'attach'; init: TryItInit; /** A server this panel owns: stop it when the panel closes. */ owned: boolean } | { kind: 'failed'; message: string };

/** `start` is the folder backend's `tryIt/start`, or undefined when that folder has no backend now. */
export async function restoreTarget(init: TryItInit, start: ((ref: string) => Promise<TryItServer>) | undefined): Promise<Restored> {
  if (!init.temporary) return { kind: 'attach', init, owned: false };
  const ref = `${init.model}:${init.version ?? 'latest'}`;
  const again = `Open it again from the Models view (Try It on ${init.model}${init.version ? ` version ${init.version}` : ''}).`;
  if (!init.version) return { kind: 'failed', message: `This panel's model server was a temporary one and stopped with the window. ${again}` };
  if (!start)
    return { kind: 'failed', message: `This panel's model server for ${ref} stopped with the window, and its workspace folder is not open now. ${again}` };
  try {
    const server = await start(ref);
    return { kind: 'attach', init: { ...init, serverUrl: server.serverUrl }, owned: true };
  } catch (e) {
    return {
      kind: 'failed',
      message: `This panel's model server for ${ref} stopped with the window, and starting a new one failed: ${errorMessage(e).replace(/[.!?]?$/, '.')} ${again}`,
    };
  }
}

/** A page with one message and nothing else (no script, no network), for a panel that cannot show the form. */
export function noticeHtml(title: string, text: string): string {
  const esc = (t: string): string => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">` +
    `<title>${esc(title)}</title></head><body style="font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1em 2em">` +
    `<h1 style="font-size: 1.3em; font-weight: 600">${esc(title)}</h1><p data-testid="tryit-notice">${esc(text)}</p></body></html>`
  );
}
