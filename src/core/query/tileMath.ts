/**
 * The min/max pyramid's tile records, pure. A tile summarizes the points of one metric series
 * whose step falls in [index·W, (index+1)·W) for its level's width W = 16·4^level: how many
 * points, where its first NaN is, where (step, time) its minimum and maximum are, and its time
 * extent. The min
 * and max points of the tiles are a reduced series that still holds every local extreme at tile
 * resolution, so downsampling them gives what downsampling the raw points would, to within a tile.
 */

export const TILE_FIELDS = 13;
export const F = {
  index: 0,
  count: 1,
  nanCount: 2,
  nanStep: 3,
  nanTs: 4,
  minStep: 5,
  minTs: 6,
  minVal: 7,
  maxStep: 8,
  maxTs: 9,
  maxVal: 10,
  /** Earliest and latest timestamp of any point in the tile, so chunk time bounds are exact. */
  loTs: 11,
  hiTs: 12,
} as const;

export const BASE_WIDTH = 16;
export const FANOUT = 4;
/** Tiles per stored chunk row. */
export const CHUNK_TILES = 64;
/** Levels stop once one holds at most this many tiles; a chart never needs a coarser one. */
export const TOP_LEVEL_TILES = 64;
export const MAX_LEVELS = 24;

export function tileWidth(level: number): number {
  return BASE_WIDTH * FANOUT ** level;
}

/** Growable array of tile records. */
export class TileList {
  data: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.data = new Float64Array(TILE_FIELDS * capacity);
  }

  /** Appends a record and returns its offset. */
  push(): number {
    if ((this.length + 1) * TILE_FIELDS > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    return this.length++ * TILE_FIELDS;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length * TILE_FIELDS);
  }
}

/**
 * Folds points, in step order, into level-0 tiles. NaN values count and mark the tile; min and max
 * keep the first point on ties so results do not depend on how points were split into batches.
 */
export class TileAccumulator {
  readonly tiles: TileList;
  private current = -1;
  private index = NaN;

  constructor(
    private readonly width: number = BASE_WIDTH,
    capacity?: number,
  ) {
    this.tiles = new TileList(capacity);
  }

  /**
   * Starts from tiles already folded (in index order), so that adding the points that follow them
   * gives what adding every point from the start would: a tile record is the whole state of its
   * fold, and the last one may still be open.
   */
  seed(tiles: Float64Array): void {
    for (let i = 0; i < tiles.length; i += TILE_FIELDS) {
      const o = this.tiles.push();
      this.tiles.data.set(tiles.subarray(i, i + TILE_FIELDS), o);
      this.current = o;
      this.index = tiles[i + F.index]!;
    }
  }

  add(step: number, ts: number, value: number): void {
    const index = Math.floor(step / this.width);
    const d = this.tiles.data;
    if (this.current < 0 || index !== this.index) {
      this.current = this.tiles.push();
      this.index = index;
      const o = this.current;
      const t = this.tiles.data;
      t.fill(NaN, o, o + TILE_FIELDS);
      t[o + F.index] = index;
      t[o + F.count] = 0;
      t[o + F.nanCount] = 0;
      return this.add(step, ts, value);
    }
    const o = this.current;
    d[o + F.count]!++;
    if (!(ts >= d[o + F.loTs]!)) d[o + F.loTs] = ts;
    if (!(ts <= d[o + F.hiTs]!)) d[o + F.hiTs] = ts;
    if (Number.isNaN(value)) {
      if (d[o + F.nanCount]!++ === 0) {
        d[o + F.nanStep] = step;
        d[o + F.nanTs] = ts;
      }
      return;
    }
    if (!(value >= d[o + F.minVal]!)) {
      d[o + F.minStep] = step;
      d[o + F.minTs] = ts;
      d[o + F.minVal] = value;
    }
    if (!(value <= d[o + F.maxVal]!)) {
      d[o + F.maxStep] = step;
      d[o + F.maxTs] = ts;
      d[o + F.maxVal] = value;
    }
  }
}

/** The next level up: every FANOUT consecutive tile indices merge into one tile. */
export function mergeLevel(tiles: Float64Array): Float64Array {
  const out = new TileList();
  let o = -1;
  for (let i = 0; i < tiles.length; i += TILE_FIELDS) {
    const index = Math.floor(tiles[i + F.index]! / FANOUT);
    if (o < 0 || out.data[o + F.index] !== index) {
      o = out.push();
      out.data.set(tiles.subarray(i, i + TILE_FIELDS), o);
      out.data[o + F.index] = index;
      continue;
    }
    const d = out.data;
    d[o + F.count]! += tiles[i + F.count]!;
    if (tiles[i + F.nanCount]! > 0 && d[o + F.nanCount] === 0) {
      d[o + F.nanStep] = tiles[i + F.nanStep]!;
      d[o + F.nanTs] = tiles[i + F.nanTs]!;
    }
    d[o + F.nanCount]! += tiles[i + F.nanCount]!;
    d[o + F.loTs] = Math.min(d[o + F.loTs]!, tiles[i + F.loTs]!);
    d[o + F.hiTs] = Math.max(d[o + F.hiTs]!, tiles[i + F.hiTs]!);
    // `!(a >= b)` is true when the kept value is NaN (an all-NaN tile so far): take the new one.
    if (!(tiles[i + F.minVal]! >= d[o + F.minVal]!) && !Number.isNaN(tiles[i + F.minVal]!))
      d.set(tiles.subarray(i + F.minStep, i + F.minVal + 1), o + F.minStep);
    if (!(tiles[i + F.maxVal]! <= d[o + F.maxVal]!) && !Number.isNaN(tiles[i + F.maxVal]!))
      d.set(tiles.subarray(i + F.maxStep, i + F.maxVal + 1), o + F.maxStep);
  }
  return out.view();
}

/** A chunk row's payload. Native byte order: the tiles are a cache rebuilt on any doubt. */
export function encodeTiles(tiles: Float64Array): Buffer {
  return Buffer.from(tiles.buffer, tiles.byteOffset, tiles.byteLength);
}

export function decodeTiles(blob: Buffer): Float64Array {
  // A Float64Array view needs 8-byte alignment; SQLite's buffers need not have it.
  if (blob.byteOffset % 8 === 0) return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / 8);
  return new Float64Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
}
