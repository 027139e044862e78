/**
 * The deployment manager: the one place that moves a deployment through its statuses and keeps
 * its record (store.ts) and its lineage in the registry in step. Targets only start, stop and read
 * logs. Every operation first writes what it is about to do (`starting`), so a crash leaves a
 * record the next health check settles; a failed start ends `failed` with the reason and the
 * target has removed what it started.
 */
import { randomBytes } from 'node:crypto';
import { MlwbError, errorMessage } from '../errors';
import { recordDeployment, resolveModelRef, type ResolvedModel } from '../registry/registry';
import type { DeploymentRecord, DeploymentStatus } from './deployment';
import { probeReady } from './health';
import { rememberTarget, lastTarget } from './settings';
import { listDeployments, readDeployment, writeDeployment } from './store';
import type { DeployTarget, TargetContext } from './target';
import { findTarget, type TargetTable } from './targets';

/** A `starting` record older than this was left by a process that died mid-deploy. */
const STALE_START_MS = 120_000;

export interface ManagerOptions {
  readonly mlwbRoot: string;
  readonly workspaceRoot: string;
  /** The targets, or a function giving them afresh (mlwb.yaml may change while the backend runs). */
  readonly targets: TargetTable | (() => TargetTable);
  /** Every record the manager writes, as written (the backend pushes these to the views). */
  readonly onChange?: (rec: DeploymentRecord) => void;
}

export interface OperationOptions {
  /** Host port; the target picks a free one when absent (a restart reuses the previous port). */
  readonly port?: number;
  readonly options?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

function newId(name: string, version: number): string {
  const slug =
    name
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 80) || 'model';
  return `${slug}-${version}-${randomBytes(3).toString('hex')}`;
}

const RUNNING: ReadonlySet<DeploymentStatus> = new Set(['starting', 'healthy', 'unhealthy']);

export class DeploymentManager {
  /** Ids with an operation in flight in this process; health checks leave them alone. */
  private readonly busy = new Set<string>();

  constructor(private readonly opts: ManagerOptions) {}

  private targets(): TargetTable {
    const t = this.opts.targets;
    return typeof t === 'function' ? t() : t;
  }

  get mlwbRoot(): string {
    return this.opts.mlwbRoot;
  }

  targetKinds(): string[] {
    return [...this.targets().keys()];
  }

  /** The target one-click Deploy uses: the last one used here if it still exists, else local. */
  defaultTarget(): string {
    const last = lastTarget(this.opts.mlwbRoot);
    if (last && this.targets().has(last)) return last;
    return this.targets().has('local') ? 'local' : (this.targetKinds()[0] ?? 'local');
  }

  list(): DeploymentRecord[] {
    return listDeployments(this.opts.mlwbRoot);
  }

  get(id: string): DeploymentRecord {
    return readDeployment(this.opts.mlwbRoot, id);
  }

  /** Deploys `ref` (`name`, `name:version`, `name@alias`) to target `kind`; resolves with the final record (healthy, failed or stopped if cancelled). */
  async deploy(ref: string, kind: string, o: OperationOptions = {}): Promise<DeploymentRecord> {
    const target = findTarget(this.targets(), kind);
    const model = resolveModelRef(this.opts.mlwbRoot, ref);
    const now = new Date().toISOString();
    const rec: DeploymentRecord = {
      id: newId(model.name, model.version),
      model: model.name,
      version: model.version,
      target: kind,
      status: 'starting',
      url: null,
      created_at: now,
      updated_at: now,
    };
    rememberTarget(this.opts.mlwbRoot, kind);
    return this.exclusive(rec.id, () => this.start(target, rec, model, o));
  }

  /** Stops serving; the record stays (status `stopped`) for lineage and Restart. */
  async stop(id: string, o: OperationOptions = {}): Promise<DeploymentRecord> {
    return this.exclusive(id, async () => {
      const rec = this.get(id);
      await findTarget(this.targets(), rec.target).stop(rec, this.ctx(o));
      return this.save(rec, { status: 'stopped', reason: 'Stopped by the user.' });
    });
  }

  /** Same version again, on the same port when it had one. */
  async restart(id: string, o: OperationOptions = {}): Promise<DeploymentRecord> {
    return this.exclusive(id, async () => {
      const rec = this.get(id);
      const target = findTarget(this.targets(), rec.target);
      await target.stop(rec, this.ctx(o));
      const model = resolveModelRef(this.opts.mlwbRoot, `${rec.model}:${rec.version}`);
      return this.start(target, rec, model, { ...o, port: o.port ?? portOf(rec) });
    });
  }

  /** Serves another version of the same model under the same deployment (and port); the old one becomes `previous_version`. */
  async redeploy(id: string, version: number, o: OperationOptions = {}): Promise<DeploymentRecord> {
    return this.exclusive(id, async () => {
      const rec = this.get(id);
      if (version === rec.version && RUNNING.has(rec.status))
        throw new MlwbError(`${rec.id} already serves ${rec.model}:${version}; use Restart to start it again.`, 'INVALID_ARGUMENT');
      const model = resolveModelRef(this.opts.mlwbRoot, `${rec.model}:${version}`);
      const target = findTarget(this.targets(), rec.target);
      await target.stop(rec, this.ctx(o));
      // The version it leaves keeps its lineage link, now stopped.
      this.link({ ...rec, status: 'stopped' });
      const next: DeploymentRecord = { ...rec, version: model.version, previous_version: rec.version };
      return this.start(target, next, model, { ...o, port: o.port ?? portOf(rec) });
    });
  }

  /** Back to the version served before the last redeploy. */
  async rollback(id: string, o: OperationOptions = {}): Promise<DeploymentRecord> {
    const rec = this.get(id);
    if (rec.previous_version === undefined)
      throw new MlwbError(`${rec.id} has no earlier version to roll back to (it was never redeployed).`, 'INVALID_ARGUMENT');
    return this.redeploy(id, rec.previous_version, o);
  }

  logs(id: string, follow: boolean, signal?: AbortSignal): AsyncIterable<string> {
    const rec = this.get(id);
    return findTarget(this.targets(), rec.target).logs(rec, this.ctx({ signal }), follow);
  }

  /**
   * Health check of every running deployment: the server gone → `stopped` with the reason; ready
   * → `healthy`; answering otherwise or not at all → `unhealthy` with what it said. Also how a
   * restarted backend re-attaches to servers that kept running. Returns the records it changed.
   */
  async checkAll(): Promise<DeploymentRecord[]> {
    const changed: DeploymentRecord[] = [];
    for (const rec of this.list()) {
      if (!RUNNING.has(rec.status) || this.busy.has(rec.id)) continue;
      const next = await this.check(rec).catch(() => undefined);
      if (next) changed.push(next);
    }
    return changed;
  }

  private async check(rec: DeploymentRecord): Promise<DeploymentRecord | undefined> {
    const target = this.targets().get(rec.target);
    if (!target) return undefined; // a target this process does not know (e.g. not configured here)
    if (rec.status === 'starting') {
      if (Date.now() - Date.parse(rec.updated_at) < STALE_START_MS) return undefined;
      if (!rec.url || !rec.handle) {
        // The process that was deploying died; a server it may have started is stopped, not orphaned.
        await target.stop(rec, this.ctx({}));
        return this.settle(rec, 'stopped', 'The deploy was interrupted: the process that started it exited before the server was ready.');
      }
    }
    if (target.alive && !(await target.alive(rec, this.ctx({})))) {
      return this.settle(rec, 'stopped', 'The server is no longer running (it exited, was killed, or the machine restarted). Restart it to serve again.');
    }
    if (!rec.url) return undefined;
    const r = await probeReady(rec.url);
    if (this.busy.has(rec.id)) return undefined; // an operation started while we probed; it owns the record now
    return r.ready ? this.settle(rec, 'healthy', undefined) : this.settle(rec, 'unhealthy', `Not ready: ${r.reason}`);
  }

  /** Writes a status change found by a check, only when it is one (a re-read guards against another writer). */
  private settle(seen: DeploymentRecord, status: DeploymentStatus, reason: string | undefined): DeploymentRecord | undefined {
    if (seen.status === status && seen.reason === reason) return undefined;
    const now = this.get(seen.id);
    if (now.updated_at !== seen.updated_at) return undefined; // changed under us (another process); the next check sees it
    return this.save(now, { status, reason });
  }

  private async start(target: DeployTarget, rec: DeploymentRecord, model: ResolvedModel, o: OperationOptions): Promise<DeploymentRecord> {
    const starting = this.save(rec, { status: 'starting', reason: undefined, url: null, handle: undefined });
    try {
      const started = await target.deploy({ id: rec.id, model, port: o.port, options: o.options ?? {} }, this.ctx(o));
      return this.save(starting, { status: 'healthy', url: started.url, handle: started.handle, request_log_dir: started.requestLogDir });
    } catch (e) {
      const cancelled = (e as { code?: unknown }).code === 'CANCELLED';
      return this.save(starting, { status: cancelled ? 'stopped' : 'failed', reason: errorMessage(e) });
    }
  }

  private save(rec: DeploymentRecord, change: Partial<Omit<DeploymentRecord, 'id' | 'created_at'>>): DeploymentRecord {
    const next: DeploymentRecord = { ...rec, ...change, updated_at: new Date().toISOString() };
    // Optional fields set to undefined are dropped, so the JSON has no `reason` once it no longer applies.
    const clean = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as unknown as DeploymentRecord;
    writeDeployment(this.opts.mlwbRoot, clean);
    this.link(clean);
    this.opts.onChange?.(clean);
    return clean;
  }

  /** Lineage: the model version lists this deployment with its current status. */
  private link(rec: DeploymentRecord): void {
    try {
      recordDeployment(this.opts.mlwbRoot, rec.model, rec.version, {
        id: rec.id,
        target: rec.target,
        status: rec.status,
        url: rec.url,
        created_at: rec.created_at,
      });
    } catch {
      /* the version was deleted meanwhile: the record still says what ran */
    }
  }

  private ctx(o: OperationOptions): TargetContext {
    return { mlwbRoot: this.opts.mlwbRoot, workspaceRoot: this.opts.workspaceRoot, log: o.log ?? (() => undefined), signal: o.signal };
  }

  private async exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) throw new MlwbError(`${id} is busy with another operation; try again when it finishes.`, 'INVALID_ARGUMENT');
    this.busy.add(id);
    try {
      return await fn();
    } finally {
      this.busy.delete(id);
    }
  }
}

function portOf(rec: DeploymentRecord): number | undefined {
  const p = rec.handle?.port;
  return typeof p === 'number' ? p : undefined;
}
