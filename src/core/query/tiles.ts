/**
 * Builds and extends the stored min/max pyramid of a metric series (tables
 * metric_tile_chunks and metric_tile_state, a cache over metric_points; see tileMath.ts).
 * Points are append-only, so a series that grew is extended from the first chunk the new points
 * touch instead of rebuilt; anything unexpected rebuilds it from scratch.
 */
import type { Db } from '../store/database';
import { chunkSpan, concat, firstChunk, prep, readChunks, writeChunks, type Written } from './tileChunks';
import { CHUNK_TILES, F, FANOUT, MAX_LEVELS, TILE_FIELDS, TOP_LEVEL_TILES, TileAccumulator, mergeLevel, tileWidth } from './tileMath';

export interface SeriesSummary {
  id: number;
  count: number;
  last_step: number;
  last_ts: number;
}

export interface TileState {
  count: number;
  min_step: number;
  max_step: number;
  min_ts: number;
  max_ts: number;
  /** Tiles per level, finest first. */
  levelTiles: number[];
}

interface StateRow {
  count: number;
  last_step: number;
  last_ts: number;
  max_rowid: number;
  min_step: number;
  max_step: number;
  min_ts: number;
  max_ts: number;
  level_tiles: string;
}

/**
 * The tiles' state when they match the series' summary, extending or building them first when
 * they do not and the connection may write. Undefined when they cannot be used (read-only store,
 * or another writer holds the lock): the caller then reads the raw points.
 */
export function freshTiles(db: Db, s: SeriesSummary): TileState | undefined {
  const row = prep(db, 'SELECT * FROM metric_tile_state WHERE series_id = ?').get(s.id) as StateRow | undefined;
  if (row && row.count === s.count && row.last_step === s.last_step && row.last_ts === s.last_ts) return toState(row);
  if (db.readonly) return undefined;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  // A chart must not stall behind an ingest transaction: if the lock is taken, draw from the
  // raw points this time and extend the tiles on a later request.
  db.pragma('busy_timeout = 50');
  try {
    return db.transaction(() => toState(build(db, s, row))).immediate();
  } catch (e) {
    if (/SQLITE_BUSY|SQLITE_LOCKED|SQLITE_READONLY/.test(String((e as { code?: string }).code))) return undefined;
    throw e;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

function toState(row: StateRow): TileState {
  return {
    count: row.count,
    min_step: row.min_step,
    max_step: row.max_step,
    min_ts: row.min_ts,
    max_ts: row.max_ts,
    levelTiles: JSON.parse(row.level_tiles) as number[],
  };
}

/** What the tiles were before an extension: per-level tile counts and level 0's extent. */
type Before = Pick<StateRow, 'min_step' | 'max_step' | 'min_ts' | 'max_ts'> & { levelTiles: number[] };

function build(db: Db, s: SeriesSummary, old: StateRow | undefined): StateRow {
  let from = -Infinity;
  let before: Before | undefined;
  if (old && s.count > old.count) {
    // Only points newer than the last build can be missing (points are append-only). Walking the
    // table from that rowid reads just those; the series' index would walk all its points.
    const added = prep(db, 'SELECT min(step) AS step, count(*) AS n FROM metric_points NOT INDEXED WHERE rowid > ? AND series_id = ?').get(
      old.max_rowid,
      s.id,
    ) as { step: number | null; n: number };
    if (added.n === s.count - old.count && added.step !== null) {
      from = added.step;
      before = { ...old, levelTiles: JSON.parse(old.level_tiles) as number[] };
    }
  }
  // Inside this write transaction no point can arrive, so every point of the series is ≤ this.
  const maxRowid = prep(db, 'SELECT coalesce(max(rowid), 0) FROM metric_points').pluck().get() as number;
  return finishBuild(db, s, from, before, buildLevel0(db, s.id, from), maxRowid);
}

/**
 * With level 0 written from `from` on (`level0`): the levels above it (from the first chunk that
 * changed; a level that did not exist yet is built whole), levels no longer needed dropped, and
 * the state row saying what the tiles were built from. Tile counts and the extent follow from
 * the state before and the rows rewritten: points are only ever added, so a rewritten row covers
 * at least what the row it replaced did (counting and scanning every row cost O(series) per
 * commit).
 */
function finishBuild(db: Db, s: SeriesSummary, from: number, before: Before | undefined, level0: Written, maxRowid: number): StateRow {
  const extending = before !== undefined && from !== -Infinity;
  const prevLevels = extending ? before.levelTiles.length : 0;
  const count = (level: number, w: Written) => (level < prevLevels ? before!.levelTiles[level]! - w.deleted : 0) + w.inserted;
  const levelTiles = [count(0, level0)];
  let below = level0;
  for (let level = 1; level < MAX_LEVELS && levelTiles[level - 1]! > TOP_LEVEL_TILES; level++) {
    below = buildLevel(db, s.id, level, level < prevLevels ? from : -Infinity, below);
    levelTiles.push(count(level, below));
  }
  prep(db, 'DELETE FROM metric_tile_chunks WHERE series_id = ? AND level >= ?').run(s.id, levelTiles.length);
  const fresh = level0.inserted > 0;
  const ext = extending
    ? {
        min_step: fresh ? Math.min(before.min_step, level0.minStep) : before.min_step,
        max_step: fresh ? Math.max(before.max_step, level0.maxStep) : before.max_step,
        min_ts: fresh ? Math.min(before.min_ts, level0.minTs) : before.min_ts,
        max_ts: fresh ? Math.max(before.max_ts, level0.maxTs) : before.max_ts,
      }
    : fresh
      ? { min_step: level0.minStep, max_step: level0.maxStep, min_ts: level0.minTs, max_ts: level0.maxTs }
      : { min_step: 0, max_step: 0, min_ts: 0, max_ts: 0 };
  const row: StateRow = {
    count: s.count,
    last_step: s.last_step,
    last_ts: s.last_ts,
    max_rowid: maxRowid,
    ...ext,
    level_tiles: JSON.stringify(levelTiles),
  };
  prep(
    db,
    `INSERT OR REPLACE INTO metric_tile_state (series_id, count, last_step, last_ts, max_rowid, min_step, max_step, min_ts, max_ts, level_tiles)
     VALUES (@series_id, @count, @last_step, @last_ts, @max_rowid, @min_step, @max_step, @min_ts, @max_ts, @level_tiles)`,
  ).run({ series_id: s.id, ...row });
  return row;
}

/**
 * Extends a series' tiles inside the caller's transaction from points it holds in memory (ingest's
 * batch, just inserted), so keeping tiles current reads no point back from the store: the open
 * level-0 chunk is read (one row), the new points are folded onto it, and the levels above are
 * merged from tiles. Only for points that come after every stored one, in step order; anything
 * else is left to `freshTiles`, which finds the tiles stale.
 */
export class TileAppender {
  private lastStep: number;
  private added = 0;
  /** False once a point came with a lower step than one before it: the tiles are then left stale. */
  ordered = true;

  private constructor(
    private readonly acc: TileAccumulator,
    /** The first step whose tiles are rewritten (the start of the open level-0 chunk). */
    private readonly from: number,
    private readonly before: Before | undefined,
    lastStep: number,
  ) {
    this.lastStep = lastStep;
  }

  /**
   * For a series whose stored points are summarised by `before`: an appender when its tiles were
   * built from exactly those points (or it has none yet), else undefined (stale tiles stay stale).
   */
  static open(db: Db, before: SeriesSummary): TileAppender | undefined {
    if (before.count === 0) return new TileAppender(new TileAccumulator(tileWidth(0), 16), -Infinity, undefined, -Infinity);
    // Only series that were long have tiles (counts only grow): spare short ones the look-up.
    if (before.count < MIN_TILED_POINTS) return undefined;
    const row = prep(db, 'SELECT * FROM metric_tile_state WHERE series_id = ?').get(before.id) as StateRow | undefined;
    if (!row || row.count !== before.count || row.last_step !== before.last_step || row.last_ts !== before.last_ts) return undefined;
    // Every stored point's step is ≤ last_step, so the chunk holding it is the last one stored.
    const chunk = firstChunk(0, before.last_step);
    const acc = new TileAccumulator(tileWidth(0), CHUNK_TILES);
    acc.seed(readChunks(db, before.id, 0, chunk));
    return new TileAppender(acc, chunk * chunkSpan(0), { ...row, levelTiles: JSON.parse(row.level_tiles) as number[] }, before.last_step);
  }

  /** A point inserted after the ones before it (log order). */
  add(step: number, ts: number, value: number): void {
    if (step < this.lastStep) this.ordered = false;
    if (!this.ordered) return;
    this.lastStep = step;
    this.acc.add(step, ts, value);
    this.added++;
  }

  /**
   * Writes the extended tiles and their state for the series now summarised by `after`, once its
   * points are inserted. False when nothing was written: points out of order, or a series too
   * short to tile.
   */
  commit(db: Db, after: SeriesSummary): boolean {
    if (!this.ordered || this.added === 0 || after.count < MIN_TILED_POINTS) return false;
    const maxRowid = prep(db, 'SELECT coalesce(max(rowid), 0) FROM metric_points').pluck().get() as number;
    const level0 = writeChunks(db, after.id, 0, firstChunk(0, this.from), this.acc.tiles.view());
    finishBuild(db, after, this.from, this.before, level0, maxRowid);
    return true;
  }
}

/**
 * Brings a series' tiles up to date inside the caller's transaction, reading from the store what
 * they lack (extending them, or building them whole when they do not match).
 */
export function updateTiles(db: Db, s: SeriesSummary): void {
  const row = prep(db, 'SELECT * FROM metric_tile_state WHERE series_id = ?').get(s.id) as StateRow | undefined;
  if (row && row.count === s.count && row.last_step === s.last_step && row.last_ts === s.last_ts) return;
  build(db, s, row);
}

/** Rows per read: `all()` on a page is much cheaper per row than iterate(), and a page bounds memory. */
const PAGE = 65_536;

function buildLevel0(db: Db, seriesId: number, from: number): Written {
  const chunk = firstChunk(0, from);
  const acc = new TileAccumulator(tileWidth(0));
  // Sorted by step; equal steps in insertion (rowid) order, as the index stores them. Paged by
  // step: OFFSET only skips the rows of the page boundary's step that the last page already had.
  const page = prep(db, 'SELECT step, ts, value FROM metric_points WHERE series_id = ? AND step >= ? ORDER BY step, rowid LIMIT ? OFFSET ?').raw();
  let step = chunk === -Infinity ? -Infinity : chunk * chunkSpan(0);
  let skip = 0;
  for (;;) {
    const rows = page.all(seriesId, step, PAGE, skip) as [number, number, number | null][];
    for (const [st, ts, value] of rows) acc.add(st, ts, value === null ? NaN : value);
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]![0];
    let same = 0;
    for (let i = rows.length - 1; i >= 0 && rows[i]![0] === last; i--) same++;
    skip = last === step ? skip + same : same;
    step = last;
  }
  return writeChunks(db, seriesId, 0, chunk, acc.tiles.view());
}

/**
 * Rewrites a level from the chunk holding `from` on, given what was just written to the level
 * below (`below`, from `from` on as well). Built whole, it merges the whole level below. Extended,
 * the start of its chunk is fed by tiles below that did not change, so those come from the chunk's
 * own stored row, and the rest from the tiles just written below: one row read per level instead
 * of the level below's four.
 */
function buildLevel(db: Db, seriesId: number, level: number, from: number, below: Written): Written {
  const chunk = firstChunk(level, from);
  if (chunk === -Infinity) {
    const whole = below.fromChunk === -Infinity ? below.tiles : readChunks(db, seriesId, level - 1, -Infinity);
    return writeChunks(db, seriesId, level, chunk, mergeLevel(whole));
  }
  // The first tile of this level fed by a rewritten tile below (chunks hold a multiple of FANOUT tiles).
  const firstFed = (below.fromChunk * CHUNK_TILES) / FANOUT;
  const own = readChunks(db, seriesId, level, chunk);
  let keep = 0;
  while (keep < own.length && own[keep + F.index]! < firstFed) keep += TILE_FIELDS;
  return writeChunks(db, seriesId, level, chunk, concat([own.subarray(0, keep), mergeLevel(below.tiles)]));
}

/** Drops the tiles of some series (all when omitted); the next chart request rebuilds them. */
export function invalidateTiles(db: Db, seriesIds?: readonly number[]): void {
  if (!seriesIds) {
    db.exec('DELETE FROM metric_tile_chunks; DELETE FROM metric_tile_state;');
    return;
  }
  const ids = JSON.stringify(seriesIds);
  prep(db, 'DELETE FROM metric_tile_chunks WHERE series_id IN (SELECT value FROM json_each(?))').run(ids);
  prep(db, 'DELETE FROM metric_tile_state WHERE series_id IN (SELECT value FROM json_each(?))').run(ids);
}

/** Series shorter than this are read raw by charts and never tiled. */
export const MIN_TILED_POINTS = 4096;

/**
 * Brings the tiles of long series up to date, for the backend to call after ingest or when idle
 * so that the first chart of a long series does not pay for reading all its points. Stops after
 * `budgetMs` (checked between series); `remaining` says whether another call has work to do.
 */
export function refreshTiles(db: Db, options: { runIds?: readonly string[]; budgetMs?: number } = {}): { refreshed: number; remaining: boolean } {
  const deadline = Date.now() + (options.budgetMs ?? 50);
  // Without run ids this scans every summary (tens of ms for 500,000 series): pass the runs that
  // ingest just touched where possible.
  const restrict = options.runIds ? 'AND m.series_id IN (SELECT id FROM metric_series WHERE run_id IN (SELECT value FROM json_each(@runs)))' : '';
  const stale = prep(
    db,
    `SELECT m.series_id AS id, m.count, m.last_step, m.last_ts
         FROM metric_summary m
         LEFT JOIN metric_tile_state t ON t.series_id = m.series_id
        WHERE m.count >= @min ${restrict}
          AND (t.series_id IS NULL OR t.count <> m.count OR t.last_step <> m.last_step OR t.last_ts <> m.last_ts)
        ORDER BY m.series_id`,
  ).all({ min: MIN_TILED_POINTS, ...(options.runIds ? { runs: JSON.stringify(options.runIds) } : {}) }) as SeriesSummary[];
  let refreshed = 0;
  for (const s of stale) {
    if (refreshed > 0 && Date.now() >= deadline) return { refreshed, remaining: true };
    if (!freshTiles(db, s)) return { refreshed, remaining: true };
    refreshed++;
  }
  return { refreshed, remaining: false };
}
