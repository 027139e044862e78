/**
 * The backend's `deployments/*` requests. Deployments are owned here, not by the extension host:
 * the manager (src/core/deploy/manager.ts) runs targets from this process, and a periodic health
 * check keeps statuses current, re-attaches to local servers that outlived a window reload, and
 * notices changes other processes (the CLI) made. Servers are detached, so closing this backend
 * leaves them serving.
 */
import * as path from 'node:path';
import { errorMessage } from '../core/errors';
import type { DeploymentRecord } from '../core/deploy/deployment';
import { DeploymentManager, type OperationOptions } from '../core/deploy/manager';
import { listDeployments } from '../core/deploy/store';
import { workspaceTargets } from '../core/deploy/targets';
import type { DeploymentRequests } from '../protocol/deployments';
import type { BackendContext, RequestGroup } from './requestGroup';

type DeployMethods = keyof DeploymentRequests;
const CHECK_MS = 3000;
const LOG_BATCH_MS = 100;

export class DeployRequests implements RequestGroup<DeployMethods> {
  readonly handlers: RequestGroup<DeployMethods>['handlers'];
  private manager: DeploymentManager | undefined;
  private managerRoot = '';
  private readonly operations = new Map<string, AbortController>();
  private readonly streams = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private seen = '';

  constructor(private readonly ctx: BackendContext) {
    this.handlers = this.table();
  }

  /** A new folder: drop what belonged to the old one and settle the new one's deployments right after initialize. */
  reset(): Promise<void> {
    this.stopAll();
    this.manager = undefined;
    this.seen = '';
    // After initialize has made the service: re-attach (or mark stopped) whatever the last session left.
    setTimeout(() => void this.tick(), 0).unref();
    this.timer = setInterval(() => void this.tick(), CHECK_MS);
    this.timer.unref();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.stopAll();
    return Promise.resolve();
  }

  private stopAll(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const c of [...this.operations.values(), ...this.streams.values()]) c.abort();
    this.operations.clear();
    this.streams.clear();
  }

  private trusted(): boolean {
    try {
      this.ctx.requireTrust('Deploying');
      return true;
    } catch {
      return false;
    }
  }

  private mgr(): DeploymentManager {
    const svc = this.ctx.service();
    if (!this.manager || this.managerRoot !== svc.paths.root) {
      const workspaceRoot = path.dirname(svc.paths.root);
      this.managerRoot = svc.paths.root;
      this.manager = new DeploymentManager({
        mlwbRoot: svc.paths.root,
        workspaceRoot,
        targets: () => workspaceTargets(workspaceRoot, { serverScript: path.join(__dirname, 'server.js') }),
        onChange: () => void this.announce(),
      });
    }
    return this.manager;
  }

  /** Health checks (trusted workspaces only: they contact URLs and pids the records name), then tell the views if anything changed. */
  private async tick(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const svc = this.ctx.service();
      if (!svc.hasWorkspace()) return;
      if (this.trusted()) await this.mgr().checkAll();
      this.announce();
    } catch (e) {
      if (!/not initialized/.test(errorMessage(e))) this.ctx.notify('log', { level: 'warn', message: `deployment health check: ${errorMessage(e)}` });
    } finally {
      this.checking = false;
    }
  }

  /** Sends `deployments/changed` when the records differ from what was last announced (by anyone). */
  private announce(): void {
    let list: DeploymentRecord[];
    try {
      list = listDeployments(this.ctx.service().paths.root);
    } catch {
      return;
    }
    const sig = list.map((d) => `${d.id}:${d.updated_at}:${d.status}`).join('|');
    if (sig === this.seen) return;
    this.seen = sig;
    this.ctx.notify('deployments/changed', { deployments: list });
  }

  private async operation(opId: string | undefined, fn: (o: OperationOptions) => Promise<DeploymentRecord>): Promise<DeploymentRecord> {
    this.ctx.requireTrust('Deploying a model');
    const abort = new AbortController();
    if (opId) this.operations.set(opId, abort);
    try {
      return await fn({ signal: abort.signal, log: (line) => opId && this.ctx.notify('deployments/progress', { opId, line }) });
    } finally {
      if (opId) this.operations.delete(opId);
      this.announce();
    }
  }

  private async stream(id: string, streamId: string, follow: boolean): Promise<void> {
    const abort = new AbortController();
    this.streams.set(streamId, abort);
    let batch: string[] = [];
    const flush = (done?: boolean) => {
      if (batch.length || done) this.ctx.notify('deployments/logLines', { streamId, lines: batch, ...(done ? { done } : {}) });
      batch = [];
    };
    const timer = setInterval(() => flush(), LOG_BATCH_MS);
    try {
      for await (const line of this.mgr().logs(id, follow, abort.signal)) batch.push(line);
    } catch (e) {
      batch.push(`(log stream ended: ${errorMessage(e)})`);
    } finally {
      clearInterval(timer);
      this.streams.delete(streamId);
      flush(true);
    }
  }

  private table(): RequestGroup<DeployMethods>['handlers'] {
    return {
      'deployments/list': () => (this.ctx.service().hasWorkspace() ? this.mgr().list() : []),
      'deployments/targets': () => ({ targets: this.mgr().targetKinds(), defaultTarget: this.mgr().defaultTarget() }),
      'deployments/deploy': ({ ref, target, port, opId }) =>
        this.operation(opId, (o) => this.mgr().deploy(ref, target ?? this.mgr().defaultTarget(), { ...o, ...(port !== undefined ? { port } : {}) })),
      'deployments/stop': ({ id }) => this.operation(undefined, (o) => this.mgr().stop(id, o)),
      'deployments/restart': ({ id, opId }) => this.operation(opId, (o) => this.mgr().restart(id, o)),
      'deployments/redeploy': ({ id, version, opId }) => this.operation(opId, (o) => this.mgr().redeploy(id, version, o)),
      'deployments/rollback': ({ id, opId }) => this.operation(opId, (o) => this.mgr().rollback(id, o)),
      'deployments/cancel': ({ opId }) => {
        const c = this.operations.get(opId);
        c?.abort();
        return c !== undefined;
      },
      'deployments/logs': ({ id, streamId, follow }) => {
        this.mgr().get(id); // NOT_FOUND now, not as a stream that ends at once
        void this.stream(id, streamId, follow);
        return null;
      },
      'deployments/logsStop': ({ streamId }) => {
        const c = this.streams.get(streamId);
        c?.abort();
        return c !== undefined;
      },
    };
  }
}
