import type Database from 'better-sqlite3';
import type { Db } from '../store/database';
import type { RunEvent, RunStartEvent } from './events';
import type { PointColumns } from './pointColumns';
import { MIN_TILED_POINTS, TileAppender, updateTiles } from '../query/tiles';

/** A data path a run's log says it read, and when (the event's time, ms since the epoch). */
export interface LoggedInput {
  path: string;
  ts: number;
}

/** An event whose content the store refuses; the ingestor reports its line and skips it. */
export class RejectedEventError extends Error {}

/** A metric summary being updated in memory for the length of one chunk. */
interface SummaryAcc {
  last: number | null;
  lastStep: number;
  lastTs: number;
  min: number | null;
  max: number | null;
  count: number;
  nanCount: number;
  /** The series' count before this chunk (whether it just became long enough to tile). */
  countBefore: number;
  /** Extends the series' chart tiles by this chunk's points, when `keepTiles` and they were current. */
  tiles: TileAppender | undefined;
}

/**
 * Adds one point to its series' summary and tiles. "last" follows MLflow: the value at the highest
 * step, the later-logged one on a tie; NaN counts but never becomes last, min or max.
 */
function accumulate(a: SummaryAcc, step: number, ts: number, value: number): void {
  a.count++;
  if (step >= a.lastStep) {
    a.last = value === value ? value : null;
    a.lastStep = step;
    a.lastTs = ts;
  }
  if (value !== value) a.nanCount++;
  else {
    if (a.min === null || value < a.min) a.min = value;
    if (a.max === null || value > a.max) a.max = value;
  }
  if (a.tiles !== undefined) a.tiles.add(step, ts, value);
}

interface RunState {
  exists: boolean;
  /** The run's own run_end was applied: later events (but edits) are ignored, as the format says. */
  endedByLog: boolean;
  killedBySweep: boolean;
}

/**
 * Applies parsed events of one run to the store. Callers wrap calls in a transaction and call
 * `flush()` before committing: summaries and series ids are kept in memory within a chunk so a
 * million points cost a million narrow inserts and not a million summary updates.
 */
export class EventApplier {
  private readonly s: ReturnType<typeof prepareStatements>;
  private readonly seriesIds = new Map<string, number>();
  private readonly summaries = new Map<number, SummaryAcc>();
  /** For the current chunk, by PointColumns key index: the series id and its summary. */
  private keySeries: number[] = [];
  private keyAcc: SummaryAcc[] = [];
  private run: RunState | undefined;
  /**
   * Points waiting for the next multi-row insert: series, step, ts, value, … One array reused for
   * every batch (better-sqlite3 reads it during the call), so a chunk allocates no point arrays.
   * Numbers only (NaN included: SQLite binds NaN as NULL), so V8 keeps it an unboxed double array.
   */
  private readonly batch: number[] = new Array<number>(4 * POINTS_PER_INSERT).fill(0.5);
  private batchLength = 0;
  private maxTs = -Infinity;
  points = 0;
  inputs: LoggedInput[] = [];
  /**
   * Keep long series' chart tiles current in the same transaction, folding in the points this
   * applier holds anyway (see TileAppender), so a chart opened the moment a run's last point is
   * queryable finds them ready and nothing reads the points back.
   */
  keepTiles = false;

  constructor(
    private readonly db: Db,
    readonly runId: string,
  ) {
    this.s = statementsFor(db);
  }

  /** After a savepoint rolled back: forget what was cached in memory and re-read the run's state. */
  recover(): void {
    const inputs = this.inputs;
    this.begin();
    this.inputs = inputs;
  }

  /**
   * Starts a chunk: reads the run's current state (another window may have advanced it). Series ids
   * are looked up again: one cached from a chunk that rolled back would name no row.
   */
  begin(): void {
    const row = this.s.runState.get(this.runId) as { end_source: string | null } | undefined;
    this.run = { exists: !!row, endedByLog: row?.end_source === 'log', killedBySweep: row?.end_source === 'sweep' };
    this.seriesIds.clear();
    this.keySeries = [];
    this.keyAcc = [];
    this.summaries.clear();
    this.inputs = [];
    this.batchLength = 0;
    this.maxTs = -Infinity;
  }

  apply(e: RunEvent): void {
    const run = this.run!;
    // A reader ignores anything after run_end (docs/event-log.md), a second run_start included.
    if (e.type === 'run_start') return run.endedByLog ? undefined : this.start(e);
    if (e.type === 'edit') return this.edit(e);
    if (run.endedByLog) return;
    this.ensureRun(e.ts);
    if (run.killedBySweep && e.type !== 'run_end') {
      // We declared it dead too early (a long pause, a slow disk): it is alive after all.
      this.s.revive.run(this.runId);
      run.killedBySweep = false;
    }
    switch (e.type) {
      case 'params':
        for (const [k, v] of Object.entries(e.params)) this.s.insertParam.run(this.runId, k, v);
        break;
      case 'tags':
        for (const [k, v] of Object.entries(e.tags)) this.s.upsertTag.run(this.runId, k, v);
        break;
      case 'metric':
        this.point(e.key, e.step, e.ts, e.value);
        break;
      case 'metrics':
        for (const [k, v] of Object.entries(e.values)) this.point(k, e.step, e.ts, v);
        break;
      case 'artifact':
        this.s.upsertArtifact.run(this.runId, e.path, e.size);
        break;
      case 'input':
        this.inputs.push({ path: e.path, ts: e.ts });
        break;
      case 'heartbeat':
        break;
      case 'run_end':
        this.s.end.run(e.status, e.ts, e.error, 'log', this.runId);
        run.endedByLog = true;
        run.killedBySweep = false;
        break;
    }
    if (e.ts > this.maxTs) this.maxTs = e.ts;
  }

  /**
   * Applies points [from, to) of the chunk's columns: what apply() does for each as a metric event,
   * with the run's state checked once (no event comes between them) and the series and summary of
   * each key found once per chunk.
   */
  applyPoints(p: PointColumns, from: number, to: number): void {
    if (from >= to) return;
    const run = this.run!;
    if (run.endedByLog) return;
    this.ensureRun(p.ts[from]!);
    if (run.killedBySweep) {
      this.s.revive.run(this.runId);
      run.killedBySweep = false;
    }
    const { key: keys, step: steps, ts: tss, value: values } = p;
    let n = this.batchLength;
    let maxTs = this.maxTs;
    let lastKey = -1;
    let seriesId = 0;
    let a: SummaryAcc | undefined;
    for (let i = from; i < to; i++) {
      const k = keys[i]!;
      if (k !== lastKey) {
        lastKey = k;
        seriesId = this.keySeries[k] ??= this.series(p.keys[k]!);
        a = this.keyAcc[k] ??= this.summaryOf(seriesId);
      }
      const step = steps[i]!;
      const ts = tss[i]!;
      const value = values[i]!;
      n = this.batchPoint(n, seriesId, step, ts, value);
      accumulate(a!, step, ts, value);
      if (ts > maxTs) maxTs = ts;
    }
    this.batchLength = n;
    this.maxTs = maxTs;
    this.points += to - from;
  }

  /** Writes the chunk's pending points, summaries and last-seen time. */
  flush(): void {
    const b = this.batch;
    for (let i = 0; i < this.batchLength; i += 4) this.s.insertPoint.run(b[i], b[i + 1], b[i + 2], b[i + 3]);
    this.batchLength = 0;
    if (this.maxTs > -Infinity && this.run?.exists) this.s.seen.run(this.maxTs, this.runId);
    for (const [seriesId, a] of this.summaries) {
      this.s.upsertSummary.run(seriesId, a.last, a.min, a.max, a.count, a.lastStep, a.lastTs, a.nanCount);
      if (this.keepTiles) this.keepTilesOf(seriesId, a);
    }
    this.summaries.clear();
  }

  /**
   * After the chunk's points are inserted: tiles extended from memory, or, for a series that has
   * just grown long enough to tile (or whose points came out of step order while short), built
   * from the store, which then holds few points. Long series with stale tiles are left to the
   * backend's idle pass and to the chart request (freshTiles).
   */
  private keepTilesOf(seriesId: number, a: SummaryAcc): void {
    if (a.count < MIN_TILED_POINTS) return;
    const after = { id: seriesId, count: a.count, last_step: a.lastStep, last_ts: a.lastTs };
    if (a.tiles?.commit(this.db, after)) return;
    if (a.countBefore < MIN_TILED_POINTS) updateTiles(this.db, after);
  }

  private start(e: RunStartEvent): void {
    const experimentId = this.experimentId(e.experiment || 'Default');
    const ctx = e.context;
    const fields = {
      id: this.runId,
      experiment_id: experimentId,
      name: e.name || this.runId,
      start_time: e.ts,
      pid: typeof e.pid === 'number' ? e.pid : null,
      host: typeof e.host === 'string' ? e.host : null,
      source_path: ctx?.source?.path ?? null,
      source_kind: ctx?.source?.kind ?? null,
      context: ctx ? JSON.stringify(ctx) : null,
    };
    if (this.run!.exists) this.s.restart.run(fields);
    else this.s.insertRun.run(fields);
    this.run = { exists: true, endedByLog: false, killedBySweep: false };
    for (const [k, v] of Object.entries(e.params ?? {})) this.s.insertParam.run(this.runId, k, v);
    for (const [k, v] of Object.entries(e.tags ?? {})) this.s.upsertTag.run(this.runId, k, v);
  }

  private edit(e: Extract<RunEvent, { type: 'edit' }>): void {
    this.ensureRun(e.ts);
    if (e.field === 'name') this.s.rename.run(e.value, this.runId);
    else if (e.field === 'lifecycle') this.s.lifecycle.run(e.value, e.value === 'deleted' ? e.ts : null, this.runId);
    else if (e.value === null) this.s.deleteTag.run(this.runId, e.key);
    else this.s.upsertTag.run(this.runId, e.key, e.value);
  }

  /** A log whose run_start line was lost still becomes a run, named after its id. */
  private ensureRun(ts: number): void {
    if (this.run!.exists) return;
    const created = parseInt(this.runId.slice(0, 12), 16);
    this.s.insertRun.run({
      id: this.runId,
      experiment_id: this.experimentId('Default'),
      name: this.runId,
      start_time: Number.isFinite(created) && created > 0 ? created : ts,
      pid: null,
      host: null,
      source_path: null,
      source_kind: null,
      context: null,
    });
    this.run!.exists = true;
  }

  private experimentId(name: string): number {
    this.s.insertExperiment.run(name, Date.now());
    const row = this.s.experimentId.get(name) as { id: number } | undefined;
    // INSERT OR IGNORE also ignores CHECK failures: no row means the name itself was refused.
    if (!row) throw new RejectedEventError(`experiment name of ${name.length} characters refused (1 to 500)`);
    return row.id;
  }

  private point(key: string, step: number, ts: number, value: number): void {
    const seriesId = this.series(key);
    this.batchLength = this.batchPoint(this.batchLength, seriesId, step, ts, value);
    this.points++;
    accumulate(this.summaryOf(seriesId), step, ts, value);
  }

  /**
   * Puts a point at `n` of the pending batch and returns the batch's new length. SQLite stores NaN
   * as NULL (sqlite3_bind_double binds NaN as NULL); queries read NULL back as NaN.
   */
  private batchPoint(n: number, seriesId: number, step: number, ts: number, value: number): number {
    const b = this.batch;
    b[n++] = seriesId;
    b[n++] = step;
    b[n++] = ts;
    b[n++] = value;
    if (n < b.length) return n;
    // Inside the caller's transaction, like flush(): a full batch goes to SQLite right away.
    this.s.insertPoints.run(b);
    return 0;
  }

  /** The series' summary as of this chunk: read from the store once, then updated in memory. */
  private summaryOf(seriesId: number): SummaryAcc {
    let a = this.summaries.get(seriesId);
    if (!a) {
      const row = this.s.summary.get(seriesId) as
        { last: number | null; min: number | null; max: number | null; count: number; last_step: number; last_ts: number; nan_count: number } | undefined;
      const count = row?.count ?? 0;
      const lastStep = row?.last_step ?? -Infinity;
      const lastTs = row?.last_ts ?? 0;
      a = {
        last: row?.last ?? null,
        min: row?.min ?? null,
        max: row?.max ?? null,
        count,
        lastStep,
        lastTs,
        nanCount: row?.nan_count ?? 0,
        countBefore: count,
        tiles: this.keepTiles ? TileAppender.open(this.db, { id: seriesId, count, last_step: lastStep, last_ts: lastTs }) : undefined,
      };
      this.summaries.set(seriesId, a);
    }
    return a;
  }

  private series(key: string): number {
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      this.s.insertSeries.run(this.runId, key);
      id = (this.s.seriesId.get(this.runId, key) as { id: number }).id;
      this.seriesIds.set(key, id);
    }
    return id;
  }
}

/** Prepared once per connection: 28 statements prepared per run made every catch-up O(runs). */
const prepared = new WeakMap<Db, ReturnType<typeof prepareStatements>>();

function statementsFor(db: Db): ReturnType<typeof prepareStatements> {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepareStatements(db)));
  return s;
}

/** Rows per multi-row INSERT: one call into SQLite per 500 points (200 and 500 measured alike in bench/ingest). */
const POINTS_PER_INSERT = 500;

function prepareStatements(db: Db) {
  const p = (sql: string): Database.Statement => db.prepare(sql);
  return {
    runState: p('SELECT end_source FROM runs WHERE id = ?'),
    insertExperiment: p('INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)'),
    experimentId: p('SELECT id FROM experiments WHERE name = ?'),
    insertRun: p(
      `INSERT INTO runs (id, experiment_id, name, status, start_time, last_seen, pid, host, source_path, source_kind, context)
       VALUES (@id, @experiment_id, @name, 'running', @start_time, @start_time, @pid, @host, @source_path, @source_kind, @context)`,
    ),
    restart: p(
      `UPDATE runs SET experiment_id = @experiment_id, name = @name, status = 'running', start_time = @start_time,
         end_time = NULL, end_source = NULL, pid = @pid, host = @host, source_path = @source_path,
         source_kind = @source_kind, context = @context, last_seen = max(coalesce(last_seen, 0), @start_time)
       WHERE id = @id`,
    ),
    revive: p(`UPDATE runs SET status = 'running', end_time = NULL, end_source = NULL, error = NULL WHERE id = ?`),
    end: p('UPDATE runs SET status = ?, end_time = ?, error = ?, end_source = ? WHERE id = ?'),
    seen: p('UPDATE runs SET last_seen = max(coalesce(last_seen, 0), ?) WHERE id = ?'),
    rename: p('UPDATE runs SET name = ? WHERE id = ?'),
    lifecycle: p('UPDATE runs SET lifecycle = ?, deleted_at = ? WHERE id = ?'),
    insertParam: p('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)'),
    upsertTag: p('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value'),
    deleteTag: p('DELETE FROM tags WHERE run_id = ? AND key = ?'),
    upsertArtifact: p('INSERT INTO artifacts (run_id, path, size) VALUES (?, ?, ?) ON CONFLICT (run_id, path) DO UPDATE SET size = excluded.size'),
    insertSeries: p('INSERT OR IGNORE INTO metric_series (run_id, key) VALUES (?, ?)'),
    seriesId: p('SELECT id FROM metric_series WHERE run_id = ? AND key = ?'),
    insertPoint: p('INSERT INTO metric_points (series_id, step, ts, value) VALUES (?, ?, ?, ?)'),
    insertPoints: p(`INSERT INTO metric_points (series_id, step, ts, value) VALUES ${Array(POINTS_PER_INSERT).fill('(?, ?, ?, ?)').join(', ')}`),
    summary: p('SELECT last, min, max, count, last_step, last_ts, nan_count FROM metric_summary WHERE series_id = ?'),
    upsertSummary: p(
      `INSERT INTO metric_summary (series_id, last, min, max, count, last_step, last_ts, nan_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id) DO UPDATE SET last = excluded.last, min = excluded.min, max = excluded.max, count = excluded.count,
         last_step = excluded.last_step, last_ts = excluded.last_ts, nan_count = excluded.nan_count`,
    ),
  };
}
