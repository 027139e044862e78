import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError, errorMessage } from '../core/errors';
import type { TableProfile } from '../core/data/profile';
import type { TableDrift } from '../core/data/drift';
import type { TableSummary } from '../core/data/summary';
import type { TablePage, TableReader } from '../core/data/table';
import {
  RestoreConflictError,
  createSnapshot,
  datasetPath,
  datasetStatus,
  diffManifests,
  diffSnapshots,
  linkRunInput,
  listDatasets,
  listRunsUsingSnapshot,
  listSnapshots,
  loadManifest,
  openSnapshotTable,
  resolveSnapshot,
  restoreSnapshot,
  type SnapshotDiff,
} from '../core/snapshots';
import type { Db } from '../core/store/database';
import type { LoggedInput } from '../core/ingest/eventApplier';
import { ensureWorkspace } from '../core/workspace';
import { type DataSource, type DatasetSummary, type GalleryItem, type SnapshotSummary } from '../protocol/data';
import { DataWatcher } from './dataWatcher';
import { galleryImages, openSource, snapshotFilePath } from './dataSources';
import type { TableRef } from './tableWorker';
import { TableWorkerClient } from './tableWorkerClient';
import type { BackendContext, RequestGroup } from './requestGroup';
import type { WorkspaceService } from './workspaceService';

type DataMethods =
  | 'data/datasets'
  | 'data/snapshots'
  | 'data/snapshot'
  | 'data/create'
  | 'data/cancel'
  | 'data/diff'
  | 'data/restore'
  | 'data/tablePage'
  | 'data/profile'
  | 'data/drift'
  | 'data/images';

/** Text tables larger than this are not read for a diff's row counts (the core's default). */
const MAX_TABULAR_BYTES = 256 * 1024 * 1024;

const ref = (r: TableReader): TableRef => ({ file: r.file, format: r.format, name: r.name });

type Status = { modified: boolean; changes: { added: number; removed: number; changed: number } };

/**
 * Requests about data snapshots: the Data view's datasets and snapshots (with a watcher keeping
 * the "modified since last snapshot" marker current), long work with progress and cancel,
 * previews, profiles, drift, restore, and lineage from runs' `log_input` events.
 */
export class DataRequests implements RequestGroup<DataMethods> {
  private folder: string | undefined;
  private watcher: DataWatcher | undefined;
  /** Dataset → status from file stats; dropped when the watcher hears a change. */
  private readonly statuses = new Map<string, Status>();
  private readonly computing = new Map<string, Promise<Status | undefined>>();
  /** Long requests by opId, so `data/cancel` can stop them. */
  private readonly operations = new Map<string, AbortController>();
  /** `log_input` links run one at a time: each may take a snapshot. */
  private linking: Promise<unknown> = Promise.resolve();
  /** Tables are parsed off the main thread (see tableWorker.ts). */
  private readonly tables = new TableWorkerClient();

  readonly handlers: RequestGroup<DataMethods>['handlers'];

  constructor(private readonly ctx: BackendContext) {
    this.handlers = this.table(() => ctx.service());
  }

  /** Called by initialize: a new folder means a new watcher, started when the Data view asks. */
  async reset(workspaceFolder: string): Promise<void> {
    for (const c of this.operations.values()) c.abort();
    this.operations.clear();
    await this.watcher?.close();
    this.watcher = undefined;
    this.statuses.clear();
    this.folder = workspaceFolder;
  }

  /** The LiveIngest `inputs` hook: link the run to a snapshot of each path it read. */
  linkInputs(service: WorkspaceService, runId: string, inputs: LoggedInput[]): void {
    this.linking = this.linking.then(async () => {
      const db = service.store();
      if (!db) return;
      const datasets: string[] = [];
      for (const { path: p, ts } of inputs) {
        try {
          // A snapshot taken now is dated when the run read the data, not when this caught up.
          const r = await linkRunInput(db, service.paths, runId, p, { readAtMs: ts });
          datasets.push(r.snapshot.dataset);
          this.statuses.delete(r.snapshot.dataset);
        } catch (e) {
          this.ctx.notify('log', { level: 'warn', message: `Run ${runId}: could not link input ${p}: ${errorMessage(e)}` });
        }
      }
      if (datasets.length) {
        this.ctx.notify('data/changed', { datasets });
        this.ctx.notify('store/changed', { runIds: [runId] });
      }
    });
  }

  /** Resolves once every queued input link is done (tests, shutdown). */
  linked(): Promise<unknown> {
    return this.linking;
  }

  private async status(db: Db, service: WorkspaceService, dataset: string): Promise<Status | undefined> {
    const cached = this.statuses.get(dataset);
    if (cached) return cached;
    let p = this.computing.get(dataset);
    if (!p) {
      p = datasetStatus(db, service.paths, dataset)
        .then((s) => {
          const status = { modified: s.modified, changes: { added: s.added.length, removed: s.removed.length, changed: s.changed.length } };
          this.statuses.set(dataset, status);
          return status;
        })
        .catch(() => undefined)
        .finally(() => this.computing.delete(dataset));
      this.computing.set(dataset, p);
    }
    return p;
  }

  private watch(service: WorkspaceService, datasets: readonly string[]): void {
    if (!this.watcher) {
      this.watcher = new DataWatcher(
        {
          changed: (names) => {
            for (const n of names) this.statuses.delete(n);
            this.ctx.notify('data/changed', { datasets: names });
          },
          warn: (message) => this.ctx.notify('warning', { message }),
        },
        { ignored: [service.paths.root] },
      );
    }
    this.watcher.sync(new Map(datasets.map((d) => [datasetPath(service.paths, d), d])));
  }

  private async datasets(service: WorkspaceService): Promise<DatasetSummary[]> {
    const db = service.store();
    if (!db) return [];
    const list = listDatasets(db);
    this.watch(
      service,
      list.map((d) => d.dataset),
    );
    return Promise.all(
      list.map(async (d) => {
        const abs = datasetPath(service.paths, d.dataset);
        const status = await this.status(db, service, d.dataset);
        return {
          dataset: d.dataset,
          path: abs,
          snapshots: d.snapshots,
          latest: d.latest,
          modified: status?.modified ?? null,
          changes: status?.changes ?? null,
          exists: fs.existsSync(abs),
        };
      }),
    );
  }

  private snapshots(db: Db, service: WorkspaceService, dataset: string): SnapshotSummary[] {
    const list = listSnapshots(db, { dataset });
    return list.map((snapshot, i) => {
      const previous = list[i + 1];
      let change: SnapshotSummary['change'] = null;
      if (previous) {
        try {
          const d = diffManifests(loadManifest(service.paths.objectsDir, previous.manifest), loadManifest(service.paths.objectsDir, snapshot.manifest));
          change = { added: d.added.length, removed: d.removed.length, modified: d.modified.length };
        } catch {
          change = null;
        }
      }
      return { snapshot, change, runs: listRunsUsingSnapshot(db, snapshot.id) };
    });
  }

  /** Runs `work` with an AbortSignal registered under `opId` (when given). */
  private async operation<T>(opId: string | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    if (opId) this.operations.set(opId, controller);
    try {
      return await work(controller.signal);
    } catch (e) {
      if ((e as Error).name === 'AbortError' || controller.signal.aborted) throw new MlwbError('The operation was cancelled.', 'CANCELLED');
      throw e;
    } finally {
      if (opId && this.operations.get(opId) === controller) this.operations.delete(opId);
    }
  }

  /** A workspace path (relative to the workspace folder, or absolute). */
  private workspaceFile(p: string): string {
    if (!this.folder) throw new MlwbError('The backend is not initialized yet.', 'INVALID_ARGUMENT');
    return path.resolve(this.folder, p);
  }

  private openSource(service: WorkspaceService, source: DataSource, db: Db | undefined): TableReader {
    return openSource(service.paths, this.workspaceFile(source.path), source, db);
  }

  private images(service: WorkspaceService, source: DataSource, db: Db | undefined): { name: string; items: GalleryItem[] } {
    return galleryImages(service.paths, this.workspaceFile(source.path), source, db);
  }

  /** The store, creating `.mlwb/` first (taking a snapshot is a first write like a run). */
  private storeForWrite(service: WorkspaceService): Db {
    const existing = service.store();
    if (existing) return existing;
    ensureWorkspace(service.paths.root);
    const db = service.store();
    if (!db) throw new MlwbError(`Could not create ${service.paths.root}.`, 'WORKSPACE_NOT_WRITABLE');
    return db;
  }

  private table(service: () => WorkspaceService): RequestGroup<DataMethods>['handlers'] {
    const requireDb = (): Db => {
      const db = service().store();
      if (!db) throw new MlwbError('This workspace has no snapshots yet (no .mlwb folder).', 'NOT_FOUND');
      return db;
    };
    return {
      'data/datasets': () => this.datasets(service()),
      'data/snapshots': ({ dataset }) => {
        const db = service().store();
        return db ? this.snapshots(db, service(), dataset) : [];
      },
      'data/snapshot': ({ id }) => {
        const db = requireDb();
        const snapshot = resolveSnapshot(db, id);
        const files = loadManifest(service().paths.objectsDir, snapshot.manifest).entries.map((e) => ({ path: e.path, size: e.size }));
        return { snapshot, files, runs: listRunsUsingSnapshot(db, snapshot.id) };
      },
      'data/create': ({ path: target, name, metadataOnly, opId }) =>
        this.operation(opId, async (signal) => {
          this.ctx.requireTrust('Taking a snapshot');
          const db = this.storeForWrite(service());
          const result = await createSnapshot(db, service().paths, this.workspaceFile(target), {
            name,
            metadataOnly,
            signal,
            onProgress: opId ? (progress) => this.ctx.notify('data/progress', { opId, progress }) : undefined,
          });
          this.statuses.delete(result.snapshot.dataset);
          this.ctx.notify('data/changed', { datasets: [result.snapshot.dataset] });
          return result;
        }),
      'data/cancel': ({ opId }) => {
        const c = this.operations.get(opId);
        c?.abort();
        return c !== undefined;
      },
      'data/diff': ({ a, b, opId }) => this.operation(opId, (signal) => this.diff(requireDb(), service(), a, b, signal)),
      'data/restore': ({ snapshot, to, force, opId }) =>
        this.operation(opId, async (signal) => {
          this.ctx.requireTrust('Restoring a snapshot');
          const db = requireDb();
          const s = resolveSnapshot(db, snapshot);
          const target = to ? this.workspaceFile(to) : datasetPath(service().paths, s.dataset);
          try {
            const result = await restoreSnapshot(db, service().paths, s, { to: target, force, signal });
            this.statuses.delete(s.dataset);
            this.ctx.notify('data/changed', { datasets: [s.dataset] });
            return { result, conflicts: [], target };
          } catch (e) {
            if (e instanceof RestoreConflictError) return { result: null, conflicts: e.conflicts, target };
            throw e;
          }
        }),
      'data/tablePage': async ({ source, offset, limit }) => {
        const table = ref(this.openSource(service(), source, service().store()));
        const page = await this.tables.run<TablePage>({
          op: 'page',
          table,
          offset: Math.max(0, Math.floor(offset)),
          limit: Math.min(Math.max(1, Math.floor(limit)), 5000),
        });
        return { ...page, name: table.name, format: table.format };
      },
      'data/profile': ({ source, opId }) =>
        this.operation(opId, (signal) =>
          this.tables.run<TableProfile>({ op: 'profile', table: ref(this.openSource(service(), source, service().store())) }, signal),
        ),
      'data/drift': ({ a, b, path: p, pathB, opId }) =>
        this.operation(opId, (signal) => {
          const db = requireDb();
          const sa = resolveSnapshot(db, a);
          const sb = resolveSnapshot(db, b);
          const pa = snapshotFilePath(service().paths, sa, p);
          const pb = snapshotFilePath(service().paths, sb, pathB ?? p);
          const ta = ref(openSnapshotTable(db, service().paths, sa, pa));
          const tb = ref(openSnapshotTable(db, service().paths, sb, pb));
          return this.tables.run<TableDrift>({ op: 'drift', a: ta, b: tb }, signal);
        }),
      'data/images': ({ source, offset, limit }) => {
        const { name, items } = this.images(service(), source, service().store());
        const start = Math.max(0, Math.floor(offset));
        return { name, offset: start, total: items.length, items: items.slice(start, start + Math.min(Math.max(1, Math.floor(limit)), 500)) };
      },
    };
  }

  /** `diffSnapshots` with its tables (row counts, schema changes) read on the table worker, off the request loop. */
  private diff(db: Db, service: WorkspaceService, refA: string, refB: string, signal: AbortSignal): Promise<SnapshotDiff> {
    return diffSnapshots(db, service.paths, refA, refB, {
      signal,
      maxTabularBytes: MAX_TABULAR_BYTES,
      summarize: (table, s) => this.tables.run<TableSummary>({ op: 'summary', table }, s),
    });
  }

  async close(): Promise<void> {
    await this.tables.close();
    for (const c of this.operations.values()) c.abort();
    await this.watcher?.close();
    this.watcher = undefined;
  }
}
