import { type ChildProcess, spawn } from 'node:child_process';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { BackendNotifications, NotificationMethod, RequestMethod, RequestParams, RequestResult } from '../../src/protocol/backend';
import { distFile } from './dist';

/** The real backend process, spawned the way the extension does, with a typed request helper. */
export class TestBackend {
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  readonly notifications: { method: NotificationMethod; params: unknown }[] = [];
  stderr = '';

  constructor(cwd: string, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [distFile('backend.js')], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification((method: string, params: unknown) => this.notifications.push({ method: method as NotificationMethod, params }));
    this.connection.listen();
  }

  request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    return this.connection.sendRequest(method, params) as Promise<RequestResult<M>>;
  }

  /** Waits (bounded) until a notification of `method` matching `predicate` arrives. */
  async waitForNotification<M extends NotificationMethod>(
    method: M,
    predicate: (p: BackendNotifications[M]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<BackendNotifications[M]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.notifications.find((n) => n.method === method && predicate(n.params as BackendNotifications[M]));
      if (hit) return hit.params as BackendNotifications[M];
      if (Date.now() > deadline) throw new Error(`no ${method} notification within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async stop(): Promise<void> {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited();
    }
  }
}
