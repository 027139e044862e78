/**
 * The backend process: one per workspace folder, spawned by the extension with the host's own
 * runtime. It owns the store and all native modules; it speaks JSON-RPC on stdin/stdout, so
 * nothing else may write to stdout (console output is sent to stderr).
 */
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { errorMessage, isMlwbError } from '../core/errors';
import { errorCodeOf } from '../shared/errors';
import type { BackendErrorData, BackendNotifications, NotificationMethod, RequestMethod } from '../protocol/backend';
import { type BackendState, createHandlers } from './handlers';

const startedAt = Date.now() - Math.round(process.uptime() * 1000);
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));

function notify<M extends NotificationMethod>(method: M, params: BackendNotifications[M]): void {
  void connection.sendNotification(method, params);
}

const state: BackendState = {
  service: undefined,
  startedAt,
  notify,
  // Exit only after the shutdown response has been written, or the caller waits forever.
  onShutdown: () => setTimeout(shutdown, 20),
};

const handlers = createHandlers(state);
for (const method of Object.keys(handlers) as RequestMethod[]) {
  const handler = handlers[method] as (params: unknown) => unknown;
  connection.onRequest(method, async (params: unknown) => {
    try {
      return await handler(params ?? {});
    } catch (e) {
      const data: BackendErrorData = { code: errorCodeOf(e) };
      if (!isMlwbError(e)) notify('log', { level: 'error', message: `${method} failed: ${(e as Error).stack ?? errorMessage(e)}` });
      throw new ResponseError(isMlwbError(e) ? 1 : -32603, errorMessage(e), data);
    }
  });
}

let stopping = false;
function shutdown(): void {
  if (stopping) return;
  stopping = true;
  const exit = () => {
    connection.dispose();
    process.exit(0);
  };
  // Never hang on the way out: the store is WAL, so an abrupt exit loses nothing committed.
  setTimeout(exit, 1000).unref();
  void Promise.resolve(state.service?.close())
    .catch(() => undefined)
    .then(exit);
}

// The extension host closing our stdin means it is gone: never outlive it.
connection.onClose(shutdown);
process.stdin.on('end', shutdown);
process.on('SIGTERM', shutdown);
connection.listen();
