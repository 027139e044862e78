import * as fs from 'node:fs';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { ingestWorkspace } from '../ingest/workspaceIngest';
import { catchUpWorkspace } from '../ingest/catchUp';
import { ExperimentTable } from './experiments';
import { RunLogWriter } from './runWriter';
import { notFound } from './errors';
import { ModelRegistryLog } from './modelRegistry';

export interface MlflowContextOptions {
  /**
   * Catch the store up with every run log at most this often before a read (the CLI server,
   * where no live ingest runs). Leave undefined where a live ingest already does it (the backend).
   */
  readonly catchUpMs?: number;
  readonly now?: () => number;
}

/** What the endpoint knows about a run it writes to, cached so a log-metric costs one append. */
export interface RunWriteState {
  experiment: string;
  /** The run's log has its run_end: readers apply only edits after it. */
  ended: boolean;
  deleted: boolean;
  params: Map<string, string> | undefined;
}

/**
 * Shared state of the MLflow endpoint: the store it reads, the logs it writes, and the runs
 * written since the last read. Writes only append to event logs; a read first ingests the runs
 * written since (read-your-writes), which keeps a stream of log-metric calls as cheap as appends.
 */
export class MlflowContext {
  readonly experiments: ExperimentTable;
  readonly writer: RunLogWriter;
  readonly registry: ModelRegistryLog;
  readonly now: () => number;
  private readonly dirty = new Set<string>();
  private readonly runStates = new Map<string, RunWriteState>();
  /** Runs this endpoint opened, with the time of their last write: they get heartbeats. */
  readonly openRuns = new Map<string, number>();
  private lastCatchUp = 0;

  constructor(
    readonly db: Db,
    readonly paths: WorkspacePaths,
    private readonly options: MlflowContextOptions = {},
  ) {
    fs.mkdirSync(paths.runsDir, { recursive: true });
    this.experiments = new ExperimentTable(paths.root);
    this.writer = new RunLogWriter(paths);
    this.registry = new ModelRegistryLog(paths.root);
    this.now = options.now ?? Date.now;
  }

  markDirty(runId: string): void {
    this.dirty.add(runId);
    if (this.openRuns.has(runId)) this.openRuns.set(runId, this.now());
  }

  /** Brings the store up to date with what was written (and, in the CLI server, with other writers). */
  sync(): void {
    const every = this.options.catchUpMs;
    if (every !== undefined && this.now() - this.lastCatchUp >= every) {
      catchUpWorkspace(this.db, this.paths);
      this.lastCatchUp = this.now();
      this.dirty.clear();
      return;
    }
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    ingestWorkspace(this.db, this.paths, ids);
  }

  syncRun(runId: string): void {
    if (!this.dirty.has(runId)) return;
    this.dirty.delete(runId);
    ingestWorkspace(this.db, this.paths, [runId]);
  }

  /** The write state of a run, from the store the first time; throws RESOURCE_DOES_NOT_EXIST. */
  runState(runId: string): RunWriteState {
    const cached = this.runStates.get(runId);
    if (cached) return cached;
    if (typeof runId !== 'string' || !this.writer.exists(runId)) throw notFound(`Run with id=${String(runId)} not found`);
    this.dirty.add(runId);
    this.syncRun(runId);
    const row = this.db
      .prepare(`SELECT e.name AS experiment, r.end_source, r.lifecycle FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`)
      .get(runId) as { experiment: string; end_source: string | null; lifecycle: string } | undefined;
    if (!row) throw notFound(`Run with id=${runId} not found`);
    const state: RunWriteState = { experiment: row.experiment, ended: row.end_source === 'log', deleted: row.lifecycle === 'deleted', params: undefined };
    this.runStates.set(runId, state);
    return state;
  }

  registerNewRun(runId: string, experiment: string): void {
    this.runStates.set(runId, { experiment, ended: false, deleted: false, params: new Map() });
    this.openRuns.set(runId, this.now());
    this.dirty.add(runId);
  }

  /** The params a run already has (param values are immutable in MLflow and in our format). */
  runParams(runId: string, state: RunWriteState): Map<string, string> {
    if (!state.params) {
      this.syncRun(runId);
      const rows = this.db.prepare('SELECT key, value FROM params WHERE run_id = ?').all(runId) as { key: string; value: string }[];
      state.params = new Map(rows.map((r) => [r.key, r.value]));
    }
    return state.params;
  }

  /** Appends a heartbeat to runs this endpoint opened that are still open and were written to lately. */
  heartbeat(maxIdleMs = 3_600_000): void {
    const now = this.now();
    for (const [runId, last] of this.openRuns) {
      const state = this.runStates.get(runId);
      if (!state || state.ended || now - last > maxIdleMs) {
        this.openRuns.delete(runId);
        continue;
      }
      this.writer.append(runId, [{ type: 'heartbeat', ts: now }]);
      this.dirty.add(runId);
    }
  }

  /** Forget cached write state of a run (another writer changed it, or it ended). */
  forget(runId: string): void {
    this.runStates.delete(runId);
  }
}
