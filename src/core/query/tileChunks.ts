/**
 * The stored rows of a metric series' min/max pyramid (table metric_tile_chunks): each row holds
 * CHUNK_TILES tiles of one level, with the step and time range they cover so a chart's range reads
 * only the rows it overlaps. Building and extending the pyramid is tiles.ts.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import { CHUNK_TILES, F, TILE_FIELDS, decodeTiles, encodeTiles, tileWidth } from './tileMath';

/**
 * Statements prepared once per connection: ingest extends tiles in every commit, and preparing
 * the dozen statements that takes each time cost more than the work itself. Each text is always
 * used in one mode (pluck, raw or neither), so sharing a statement changes nothing.
 */
const statements = new WeakMap<Db, Map<string, Statement>>();

export function prep(db: Db, sql: string): Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = db.prepare(sql)));
  return s;
}

export function chunkSpan(level: number): number {
  return tileWidth(level) * CHUNK_TILES;
}

export function firstChunk(level: number, from: number): number {
  return from === -Infinity ? -Infinity : Math.floor(from / chunkSpan(level));
}

/** Tiles a rewrite removed and wrote, and the extent of the rows it wrote. */
export interface Written {
  /** The tiles written, from the start of chunk `fromChunk` (-Infinity: the whole level). */
  tiles: Float64Array;
  fromChunk: number;
  deleted: number;
  inserted: number;
  minStep: number;
  maxStep: number;
  minTs: number;
  maxTs: number;
}

export function writeChunks(db: Db, seriesId: number, level: number, fromChunk: number, tiles: Float64Array): Written {
  const removed = prep(db, 'DELETE FROM metric_tile_chunks WHERE series_id = ? AND level = ? AND chunk >= ? RETURNING tiles')
    .pluck()
    .all(seriesId, level, fromChunk) as number[];
  const w: Written = {
    tiles,
    fromChunk,
    deleted: 0,
    inserted: tiles.length / TILE_FIELDS,
    minStep: Infinity,
    maxStep: -Infinity,
    minTs: Infinity,
    maxTs: -Infinity,
  };
  for (const n of removed) w.deleted += n;
  const insert = prep(
    db,
    'INSERT INTO metric_tile_chunks (series_id, level, chunk, min_step, max_step, min_ts, max_ts, tiles, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const width = tileWidth(level);
  let start = 0;
  while (start < tiles.length) {
    const chunk = Math.floor(tiles[start + F.index]! / CHUNK_TILES);
    let end = start;
    let minTs = Infinity;
    let maxTs = -Infinity;
    while (end < tiles.length && Math.floor(tiles[end + F.index]! / CHUNK_TILES) === chunk) {
      minTs = Math.min(minTs, tiles[end + F.loTs]!);
      maxTs = Math.max(maxTs, tiles[end + F.hiTs]!);
      end += TILE_FIELDS;
    }
    // Step bounds are those of the tiles' step ranges: a superset of the points' steps.
    const minStep = tiles[start + F.index]! * width;
    const maxStep = (tiles[end - TILE_FIELDS + F.index]! + 1) * width - 1;
    const slice = tiles.slice(start, end);
    insert.run(seriesId, level, chunk, minStep, maxStep, minTs, maxTs, slice.length / TILE_FIELDS, encodeTiles(slice));
    w.minStep = Math.min(w.minStep, minStep);
    w.maxStep = Math.max(w.maxStep, maxStep);
    w.minTs = Math.min(w.minTs, minTs);
    w.maxTs = Math.max(w.maxTs, maxTs);
    start = end;
  }
  return w;
}

/** Tiles of one level from `fromChunk` on, in order, concatenated. */
export function readChunks(db: Db, seriesId: number, level: number, fromChunk: number): Float64Array {
  const blobs = prep(db, 'SELECT data FROM metric_tile_chunks WHERE series_id = ? AND level = ? AND chunk >= ? ORDER BY chunk')
    .pluck()
    .all(seriesId, level, fromChunk) as Buffer[];
  return concat(blobs.map(decodeTiles));
}

/** Tiles of one level whose chunk overlaps [x0, x1] on the step or time axis. */
export function readTilesInRange(db: Db, seriesId: number, level: number, axis: 'step' | 'ts', x0: number, x1: number): Float64Array {
  const blobs = prep(db, `SELECT data FROM metric_tile_chunks WHERE series_id = ? AND level = ? AND max_${axis} >= ? AND min_${axis} <= ? ORDER BY chunk`)
    .pluck()
    .all(seriesId, level, x0, x1) as Buffer[];
  return concat(blobs.map(decodeTiles));
}

export function concat(parts: Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
