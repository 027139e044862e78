import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError, errorMessage } from '../core/errors';
import { ensureWorkspace } from '../core/workspace';
import {
  deleteVersion,
  ensureModelCard,
  getModelVersion,
  modelFilePath,
  processRegisterRequests,
  readModel,
  registerModel,
  removeAlias,
  restoreVersion,
  runArtifactPath,
  setAlias,
  setDescription,
  setTags,
  type ModelVersion,
} from '../core/registry';
import { modelNames } from '../core/registry/registry';
import { modelLogPath } from '../core/registry/log';
import { pendingRequestIds } from '../core/registry/requests';
import { runLineage } from '../core/registry/lineage';
import type { ModelEntry, ModelRequests as ModelRequestMap } from '../protocol/models';
import type { BackendContext, RequestGroup } from './requestGroup';
import { ModelValidationClient } from './modelValidationClient';
import type { WorkspaceService } from './workspaceService';

type ModelMethods = keyof ModelRequestMap;
const POLL_MS = 1000;

/**
 * The backend's `models/*` requests. Validation runs on a worker thread (ModelValidationClient).
 * A cheap poll (one stat per model log) notices registry changes made by other processes (the CLI,
 * another window) and processes register requests left by the Python client.
 */
export class ModelRequests implements RequestGroup<ModelMethods> {
  private readonly validator = new ModelValidationClient();
  private readonly operations = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private seen = new Map<string, string>();
  private polling = false;

  readonly handlers: RequestGroup<ModelMethods>['handlers'];

  constructor(private readonly ctx: BackendContext) {
    this.handlers = this.table(() => ctx.service());
  }

  /** Called by initialize: a new folder means new logs to watch, started when the view asks. */
  reset(): Promise<void> {
    for (const c of this.operations.values()) c.abort();
    this.operations.clear();
    clearInterval(this.timer);
    this.timer = undefined;
    this.seen.clear();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.reset();
    await this.validator.close();
  }

  /** Starts watching once the Models view first asks (nothing runs for a workspace nobody looks at). */
  private watch(service: WorkspaceService): void {
    if (this.timer) return;
    this.snapshotLogs(service.paths.root);
    this.timer = setInterval(() => void this.poll(service), POLL_MS);
    this.timer.unref();
  }

  private snapshotLogs(root: string): string[] {
    const changed: string[] = [];
    const now = new Map<string, string>();
    for (const name of modelNames(root)) {
      let sig = '';
      try {
        const st = fs.statSync(modelLogPath(root, name));
        sig = `${st.size}:${st.mtimeMs}`;
      } catch {
        continue;
      }
      now.set(name, sig);
      if (this.seen.get(name) !== sig) changed.push(name);
    }
    for (const name of this.seen.keys()) if (!now.has(name)) changed.push(name);
    this.seen = now;
    return changed;
  }

  private async poll(service: WorkspaceService): Promise<void> {
    if (this.polling || !service.hasWorkspace()) return;
    this.polling = true;
    try {
      const root = service.paths.root;
      if (pendingRequestIds(root).length) {
        for (const o of await processRegisterRequests(root, this.validator.validate)) {
          if (o.error) this.ctx.notify('warning', { message: `Could not register the model "${o.name}" logged by a run: ${o.error}` });
        }
      }
      const changed = this.snapshotLogs(root);
      if (changed.length) this.ctx.notify('models/changed', { names: changed });
    } catch (e) {
      this.ctx.notify('log', { level: 'warn', message: `model registry poll: ${errorMessage(e)}` });
    } finally {
      this.polling = false;
    }
  }

  private changed(service: WorkspaceService, name: string): void {
    this.snapshotLogs(service.paths.root);
    this.ctx.notify('models/changed', { names: [name] });
  }

  private table(service: () => WorkspaceService): RequestGroup<ModelMethods>['handlers'] {
    const root = () => service().paths.root;
    const version = (name: string, v: number): ModelVersion => getModelVersion(root(), `${name}:${v}`);
    return {
      'models/list': ({ includeDeleted }) => {
        const svc = service();
        this.watch(svc);
        if (!svc.hasWorkspace()) return [];
        return modelNames(svc.paths.root)
          .map((n): ModelEntry => {
            const m = readModel(svc.paths.root, n);
            return { name: n, aliases: { ...m.aliases }, versions: m.versions.filter((v) => includeDeleted || !v.deleted).reverse() };
          })
          .filter((m) => m.versions.length > 0);
      },
      'models/details': ({ ref }) => {
        const v = getModelVersion(root(), ref);
        const db = service().store();
        return { version: v, run: (db && runLineage(db, service().paths.runsDir, v.run_id)) ?? null, file: modelFilePath(root(), v) };
      },
      'models/register': async ({ name, file, runId, artifact, alias, opId }) => {
        const svc = service();
        const r = ensureWorkspace(svc.paths.root).root;
        let source: string;
        let abs: string;
        if (artifact !== undefined) {
          if (!runId) throw new MlwbError('Registering an artifact needs its run id.', 'INVALID_ARGUMENT');
          abs = runArtifactPath(svc.paths.runsDir, runId, artifact);
          source = `run:${runId}/${artifact}`;
        } else if (file !== undefined) {
          abs = path.resolve(file);
          source = abs;
        } else {
          throw new MlwbError('Name a file or a run artifact to register.', 'INVALID_ARGUMENT');
        }
        const abort = new AbortController();
        if (opId) this.operations.set(opId, abort);
        try {
          const result = await registerModel(r, {
            name,
            file: abs,
            runId: runId ?? null,
            source,
            alias,
            validate: this.validator.validate,
            signal: abort.signal,
            onProgress: opId ? (p) => this.ctx.notify('models/progress', { opId, progress: p }) : undefined,
          });
          this.changed(svc, name);
          return result;
        } finally {
          if (opId) this.operations.delete(opId);
        }
      },
      'models/cancel': ({ opId }) => {
        const c = this.operations.get(opId);
        c?.abort();
        return c !== undefined;
      },
      'models/alias': ({ name, version: v, alias, remove }) => {
        if (remove) removeAlias(root(), name, alias);
        else setAlias(root(), name, v, alias);
        this.changed(service(), name);
        return version(name, v);
      },
      'models/delete': ({ name, version: v }) => {
        deleteVersion(root(), name, v);
        this.changed(service(), name);
        return null;
      },
      'models/restore': ({ name, version: v }) => {
        restoreVersion(root(), name, v);
        this.changed(service(), name);
        return null;
      },
      'models/tags': ({ name, version: v, set, remove }) => {
        setTags(root(), name, v, set, remove ?? []);
        this.changed(service(), name);
        return version(name, v);
      },
      'models/description': ({ name, version: v, description }) => {
        setDescription(root(), name, v, description);
        this.changed(service(), name);
        return version(name, v);
      },
      'models/card': ({ ref }) => {
        const v = getModelVersion(root(), ref);
        const db = service().store();
        return { path: ensureModelCard(root(), v, (db && runLineage(db, service().paths.runsDir, v.run_id)) ?? undefined) };
      },
    };
  }
}
