import * as cp from 'node:child_process';
import * as vscode from 'vscode';
import { createMessageConnection, type MessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  type BackendErrorData,
  type BackendNotifications,
  type InitializeResult,
  type NotificationMethod,
  PROTOCOL_VERSION,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
} from '../../protocol/backend';
import { errorMessage, isErrorCode } from '../../shared/errors';
import { BackendRequestError } from '../shared/errors';
import { RestartPolicy } from './restartPolicy';

type NotificationListener = <M extends NotificationMethod>(method: M, params: BackendNotifications[M]) => void;

/**
 * One backend process for one workspace folder: spawns it with the host's own runtime, speaks
 * typed JSON-RPC to it, and restarts it with backoff when it dies.
 */
export class BackendProcess implements vscode.Disposable {
  private child: cp.ChildProcess | undefined;
  private connection: MessageConnection | undefined;
  private ready: Promise<InitializeResult> | undefined;
  private startedAt = 0;
  private disposed = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly policy = new RestartPolicy();
  private lastStderr = '';

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private readonly backendScript: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly onNotification: NotificationListener,
    private readonly mlwbDir: () => string | undefined,
  ) {}

  /** Resolves once the backend answered initialize; starts it on first call. */
  whenReady(): Promise<InitializeResult> {
    this.ready ??= this.start();
    return this.ready;
  }

  async request<M extends RequestMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    await this.whenReady();
    const connection = this.connection;
    if (!connection) throw new Error('The ML Workbench backend is not running.');
    try {
      return (await connection.sendRequest(method, params)) as RequestResult<M>;
    } catch (e) {
      if (e instanceof ResponseError) {
        const data = e.data as BackendErrorData | undefined;
        throw new BackendRequestError(e.message, isErrorCode(data?.code) ? data.code : 'INTERNAL');
      }
      throw e;
    }
  }

  /** Manual restart (command palette): kills the current process and starts afresh. */
  restart(): Promise<InitializeResult> {
    this.policy.reset();
    this.stopProcess();
    this.ready = this.start();
    return this.ready;
  }

  private start(): Promise<InitializeResult> {
    const spawnedAt = Date.now();
    const child = cp.spawn(process.execPath, [this.backendScript], {
      cwd: this.folder.uri.fsPath,
      // Under desktop VS Code, execPath is Electron: this flag makes it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.startedAt = spawnedAt;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.lastStderr = chunk.trim().split('\n').pop() ?? '';
      for (const line of chunk.trimEnd().split('\n')) this.log.warn(`[backend ${this.folder.name}] ${line}`);
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection = connection;
    connection.onNotification((method: string, params: unknown) => {
      this.onNotification(method as NotificationMethod, params as never);
    });
    connection.listen();
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (err) => this.log.error(`Could not start the backend for ${this.folder.name}: ${err.message}`));

    return connection
      .sendRequest('initialize', {
        workspaceFolder: this.folder.uri.fsPath,
        mlwbDir: this.mlwbDir(),
        protocolVersion: PROTOCOL_VERSION,
        trusted: vscode.workspace.isTrusted,
      })
      .then((result) => {
        const r = result as InitializeResult;
        this.log.info(
          `backend started for ${this.folder.name} in ${Date.now() - spawnedAt} ms (pid ${r.pid}, Node ${r.node}, ` +
            `process start-up ${r.startupMs} ms, store ${r.hasWorkspace ? r.mlwbDir : 'not created yet'})`,
        );
        return r;
      })
      .catch((e: unknown) => {
        const message = errorMessage(e);
        this.log.error(`backend for ${this.folder.name} failed to initialize: ${message}`);
        void vscode.window.showErrorMessage(`ML Workbench: ${message}`, 'Show Output').then((choice) => {
          if (choice) this.log.show();
        });
        throw e;
      });
  }

  private onExit(child: cp.ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return; // an old process we replaced on purpose
    this.connection?.dispose();
    this.connection = undefined;
    this.child = undefined;
    if (this.disposed) return;
    const uptime = Date.now() - this.startedAt;
    this.log.error(`backend for ${this.folder.name} exited (code ${code}, signal ${signal}) after ${uptime} ms`);
    const decision = this.policy.onCrash(uptime);
    if (decision.action === 'restart') {
      this.log.info(`restarting the backend in ${decision.delayMs} ms (attempt ${decision.attempt})`);
      this.ready = new Promise((resolve, reject) => {
        this.restartTimer = setTimeout(() => this.start().then(resolve, reject), decision.delayMs);
      });
      this.ready.catch(() => undefined);
      return;
    }
    this.ready = Promise.reject(new Error('The ML Workbench backend stopped after repeated failures.'));
    this.ready.catch(() => undefined);
    const detail = this.lastStderr ? ` Last error: ${this.lastStderr}` : '';
    void vscode.window
      .showErrorMessage(
        `ML Workbench: the backend for "${this.folder.name}" crashed ${decision.failures} times in a row and was stopped.${detail}`,
        'Show Output',
        'Restart',
      )
      .then((choice) => {
        if (choice === 'Show Output') this.log.show();
        if (choice === 'Restart') void this.restart().catch(() => undefined);
      });
  }

  private stopProcess(): void {
    clearTimeout(this.restartTimer);
    const child = this.child;
    const connection = this.connection;
    this.child = undefined;
    this.connection = undefined;
    if (!child) return;
    // Ask politely, then make sure: a backend must never outlive its window.
    void connection?.sendRequest('shutdown', {}).catch(() => undefined);
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => clearTimeout(kill));
    child.stdin?.end();
    connection?.dispose();
  }

  dispose(): void {
    this.disposed = true;
    this.stopProcess();
  }
}
