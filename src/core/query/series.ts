/**
 * Metric series for charts, downsampled in the backend so that any number of long series stays
 * cheap to send and draw while every spike survives (per bucket: the min and max points).
 * Short series and zoomed-in ranges come from the raw points; long ones from the stored min/max
 * pyramid (tiles.ts), which turns 100 series × 100,000 points into a few thousand tiles each.
 */
import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import { type JsonNumber, toJsonNumber } from '../../shared/runModel';
import { downsampleMinMax } from '../../shared/downsample';
import { F, TILE_FIELDS, tileWidth } from './tileMath';
import { readTilesInRange } from './tileChunks';
import { MIN_TILED_POINTS, type TileState, freshTiles } from './tiles';

export type XAxis = 'step' | 'time' | 'relative';

export interface SeriesQuery {
  readonly runIds: readonly string[];
  readonly keys: readonly string[];
  /** step; time = epoch milliseconds; relative = milliseconds since the run's start_time. Default step. */
  readonly xAxis?: XAxis;
  /** Buckets across the range, about the chart's width in pixels. Default 1000. */
  readonly buckets?: number;
  /** Only points with x in [x0, x1], in the axis' units (zooming). */
  readonly range?: readonly [number, number];
}

export interface SampledSeries {
  runId: string;
  key: string;
  /** Points to draw, x non-decreasing. y is never NaN (NaN points are in nanX); ±Inf as strings. */
  x: number[];
  y: JsonNumber[];
  /** The step of each point, for hover on time axes. */
  step: number[];
  /** x of NaN values: all of them when exact, else at most one per bucket. */
  nanX: number[];
  /** Points in range (to within a tile at the range's edges when not exact). */
  count: number;
  /** Every point in range is here: zooming in will not show more. */
  exact: boolean;
  /** The bucketed extent and bucket width, in x units; a zoom narrower than a bucket should refetch. */
  x0: number;
  x1: number;
  bucketWidth: number;
}

const DEFAULT_BUCKETS = 1000;
const MAX_BUCKETS = 100_000;

interface SeriesRow {
  id: number;
  run_id: string;
  key: string;
  start_time: number;
  count: number | null;
  last_step: number;
  last_ts: number;
}

/** Columns of points sorted by step (the order they are read in). */
interface Points {
  step: number[];
  ts: number[];
  value: number[];
}

/** Series that do not exist (run without that metric) are left out. */
export function getSeriesDownsampled(db: Db, q: SeriesQuery): { series: SampledSeries[] } {
  const buckets = q.buckets ?? DEFAULT_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS) {
    throw new MlwbError(`buckets must be a whole number from 1 to ${MAX_BUCKETS}, got ${buckets}.`, 'INVALID_ARGUMENT');
  }
  const xAxis = q.xAxis ?? 'step';
  if (xAxis !== 'step' && xAxis !== 'time' && xAxis !== 'relative')
    throw new MlwbError(`Unknown x axis "${String(xAxis)}": use step, time or relative.`, 'INVALID_ARGUMENT');
  if (q.range && !(Number.isFinite(q.range[0]) && Number.isFinite(q.range[1]) && q.range[0] <= q.range[1])) {
    throw new MlwbError('range must be two finite numbers [x0, x1] with x0 ≤ x1.', 'INVALID_ARGUMENT');
  }
  const rows = db
    .prepare(
      `SELECT s.id, s.run_id, s.key, r.start_time, m.count, m.last_step, m.last_ts
         FROM metric_series s JOIN runs r ON r.id = s.run_id LEFT JOIN metric_summary m ON m.series_id = s.id
        WHERE s.run_id IN (SELECT value FROM json_each(?)) AND s.key IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(q.runIds), JSON.stringify(q.keys)) as SeriesRow[];
  const runOrder = new Map(q.runIds.map((id, i) => [id, i]));
  const keyOrder = new Map(q.keys.map((k, i) => [k, i]));
  rows.sort((a, b) => runOrder.get(a.run_id)! - runOrder.get(b.run_id)! || keyOrder.get(a.key)! - keyOrder.get(b.key)!);
  return { series: rows.map((row) => sampleSeries(db, row, xAxis, buckets, q.range)) };
}

function sampleSeries(db: Db, row: SeriesRow, xAxis: XAxis, buckets: number, range: readonly [number, number] | undefined): SampledSeries {
  const offset = xAxis === 'relative' ? row.start_time : 0;
  const axis = xAxis === 'step' ? 'step' : 'ts';
  // The range in stored units (steps or epoch ms), for SQL. Adding a fractional x to an epoch
  // offset rounds, so time ranges are widened a little here and every exact in/out decision is
  // made in x units (x = ts - offset is exact for integer ms).
  const stored: [number, number] | undefined =
    range && (offset === 0 ? [range[0], range[1]] : [Math.floor(range[0] + offset) - 1, Math.ceil(range[1] + offset) + 1]);
  let points: Points;
  let raw = true;
  let count: number | undefined;
  const long = row.count !== null && row.count > 2 * buckets + 2 && row.count >= MIN_TILED_POINTS;
  const tiles = long ? freshTiles(db, { id: row.id, count: row.count!, last_step: row.last_step, last_ts: row.last_ts }) : undefined;
  // A whole series by step gets buckets aligned to tile edges (see alignBuckets).
  const wholeByStep = xAxis === 'step' && !range;
  const level = tiles ? (wholeByStep ? pickAlignedLevel(tiles, buckets) : pickLevel(tiles, axis, stored, buckets)) : -1;
  let aligned: { buckets: number; range: [number, number] } | undefined;
  if (tiles && level >= 0) {
    if (wholeByStep) aligned = alignBuckets(tiles, tileWidth(level), buckets);
    const t = readTilesInRange(db, row.id, level, axis, stored ? stored[0] : -Infinity, stored ? stored[1] : Infinity);
    ({ points, count } = representatives(db, row.id, t, tileWidth(level), axis, offset, range));
    // On a zoomed time axis the endpoints by step need not be the ones in range: skip them there.
    if (axis === 'step' || !stored) addEndpoints(db, row.id, points, stored);
    raw = false;
  } else {
    points = readPoints(db, row.id, axis, stored, tiles !== undefined);
  }
  const x = points[axis === 'step' ? 'step' : 'ts'].map((v) => v - offset);
  const order = sortedOrder(x);
  const xs = order ? order.map((i) => x[i]!) : x;
  const ys = order ? order.map((i) => points.value[i]!) : points.value;
  const steps = order ? order.map((i) => points.step[i]!) : points.step;
  const d = aligned ? downsampleMinMax(xs, ys, aligned.buckets, aligned.range) : downsampleMinMax(xs, ys, buckets, range);
  return {
    runId: row.run_id,
    key: row.key,
    x: d.points.map((i) => xs[i]!),
    y: d.points.map((i) => toJsonNumber(ys[i]!)),
    step: d.points.map((i) => steps[i]!),
    nanX: d.nans.map((i) => xs[i]!),
    count: raw ? d.count : count!,
    exact: raw && d.exact,
    x0: d.x0,
    x1: d.x1,
    bucketWidth: d.bucketWidth,
  };
}

/**
 * For a whole series by step: the coarsest level whose tiles are at most 1/8 of a bucket wide, so
 * that aligning buckets to its tile edges (alignBuckets) costs at most about 1/9 of the buckets.
 * -1 (raw points) as in pickLevel when even the finest level is too coarse to serve.
 */
function pickAlignedLevel(t: TileState, buckets: number): number {
  const perBucket = (t.max_step + 1 - t.min_step) / buckets;
  if (pickLevel(t, 'step', undefined, buckets) < 0) return -1;
  for (let level = t.levelTiles.length - 1; level > 0; level--) if (tileWidth(level) * 8 <= perBucket) return level;
  return 0;
}

/**
 * Buckets whose edges are tile edges. A tile keeps one min and one max; a tile straddling a
 * bucket edge would merge two buckets' extremes, and the lower of two spikes in it would be lost
 * although min/max bucketing keeps one per bucket. With every tile inside one bucket the tiles'
 * extremes are exactly the buckets' extremes, so the chart keeps what bucketing the raw points
 * with these buckets keeps. Returns at most `buckets` buckets of a whole number of tiles each.
 */
function alignBuckets(t: TileState, width: number, buckets: number): { buckets: number; range: [number, number] } {
  const x0 = Math.floor(t.min_step / width) * width;
  const span = t.max_step + 1 - x0;
  const bucketWidth = Math.max(1, Math.ceil(span / (buckets * width))) * width;
  const count = Math.ceil(span / bucketWidth);
  return { buckets: count, range: [x0, x0 + count * bucketWidth] };
}

/**
 * The coarsest level with at least one tile per bucket in the range (density assumed even when
 * estimating). When even the finest level has fewer, it still serves down to one tile per 4
 * buckets (a 1000-pixel chart then gets ≥ 500 points, every extreme kept); below that the range
 * holds few enough points to read raw (-1).
 */
function pickLevel(t: TileState, axis: 'step' | 'ts', stored: [number, number] | undefined, buckets: number): number {
  const [lo, hi] = axis === 'step' ? [t.min_step, t.max_step] : [t.min_ts, t.max_ts];
  let fraction = 1;
  if (stored) {
    const overlap = Math.min(hi, stored[1]) - Math.max(lo, stored[0]);
    fraction = hi > lo ? Math.max(0, overlap) / (hi - lo) : 1;
  }
  for (let level = t.levelTiles.length - 1; level >= 0; level--) {
    if (t.levelTiles[level]! * fraction >= buckets) return level;
  }
  return t.levelTiles[0]! * fraction >= buckets / 4 ? 0 : -1;
}

/**
 * Each tile's min and max points (and first NaN), in step order. With a range, tiles outside it
 * are skipped and the few tiles straddling its edges are replaced by their raw points inside it,
 * so the range's own extremes are always present and `count` is exact.
 */
function representatives(
  db: Db,
  seriesId: number,
  t: Float64Array,
  width: number,
  axis: 'step' | 'ts',
  offset: number,
  range: readonly [number, number] | undefined,
): { points: Points; count: number } {
  const points: Points = { step: [], ts: [], value: [] };
  let count = 0;
  const push = (step: number, ts: number, value: number) => {
    points.step.push(step);
    points.ts.push(ts);
    points.value.push(value);
  };
  const rep = (o: number, stepField: number, tsField: number, value: number) => push(t[o + stepField]!, t[o + tsField]!, value);
  const rawTile = db.prepare('SELECT step, ts, value FROM metric_points WHERE series_id = ? AND step >= ? AND step < ? ORDER BY step, rowid').raw();
  for (let o = 0; o < t.length; o += TILE_FIELDS) {
    const first = t[o + F.index]! * width;
    if (range) {
      const [lo, hi] = axis === 'step' ? [first, first + width - 1] : [t[o + F.loTs]! - offset, t[o + F.hiTs]! - offset];
      if (hi < range[0] || lo > range[1]) continue;
      if (lo < range[0] || hi > range[1]) {
        for (const [step, ts, value] of rawTile.all(seriesId, first, first + width) as [number, number, number | null][]) {
          const x = axis === 'step' ? step : ts - offset;
          if (x < range[0] || x > range[1]) continue;
          push(step, ts, value ?? NaN);
          count++;
        }
        continue;
      }
    }
    count += t[o + F.count]!;
    // Up to three points per tile, emitted in step order without allocating per tile.
    const min = t[o + F.minVal]!;
    const max = t[o + F.maxVal]!;
    const hasMin = !Number.isNaN(min);
    const hasMax = hasMin && max !== min;
    const nanStep = t[o + F.nanCount]! > 0 ? t[o + F.nanStep]! : Infinity;
    const minFirst = !hasMax || t[o + F.minStep]! <= t[o + F.maxStep]!;
    const [a, aStep, aTs] = minFirst ? [min, F.minStep, F.minTs] : [max, F.maxStep, F.maxTs];
    const [b, bStep, bTs] = minFirst ? [max, F.maxStep, F.maxTs] : [min, F.minStep, F.minTs];
    let nanDone = nanStep === Infinity;
    const nan = () => {
      nanDone = true;
      rep(o, F.nanStep, F.nanTs, NaN);
    };
    if (hasMin) {
      if (!nanDone && nanStep < t[o + aStep]!) nan();
      rep(o, aStep, aTs, a);
      if (hasMax) {
        if (!nanDone && nanStep < t[o + bStep]!) nan();
        rep(o, bStep, bTs, b);
      }
    }
    if (!nanDone) nan();
  }
  return { points, count };
}

/** Adds the true first and last points (of the step range, or of the series) so lines start and end where the data does. */
function addEndpoints(db: Db, seriesId: number, points: Points, stepRange: [number, number] | undefined): void {
  const [lo, hi] = stepRange ?? [-Infinity, Infinity];
  const first = db
    .prepare('SELECT step, ts, value FROM metric_points WHERE series_id = ? AND step >= ? ORDER BY step, rowid LIMIT 1')
    .raw()
    .get(seriesId, lo) as [number, number, number | null] | undefined;
  const last = db
    .prepare('SELECT step, ts, value FROM metric_points WHERE series_id = ? AND step <= ? ORDER BY step DESC, rowid DESC LIMIT 1')
    .raw()
    .get(seriesId, hi) as [number, number, number | null] | undefined;
  if (first && !(points.step.length && points.step[0]! <= first[0])) {
    points.step.unshift(first[0]);
    points.ts.unshift(first[1]);
    points.value.unshift(first[2] ?? NaN);
  }
  if (last && !(points.step.length && points.step[points.step.length - 1]! >= last[0])) {
    points.step.push(last[0]);
    points.ts.push(last[1]);
    points.value.push(last[2] ?? NaN);
  }
}

/**
 * Raw points, optionally of a range. A time range is first narrowed to the steps whose level-0
 * tiles overlap it, so zooming on a time axis does not scan the whole series.
 */
function readPoints(db: Db, seriesId: number, axis: 'step' | 'ts', stored: [number, number] | undefined, haveTiles: boolean): Points {
  let sql = 'SELECT step, ts, value FROM metric_points WHERE series_id = ?';
  const args: number[] = [seriesId];
  if (stored && axis === 'step') {
    sql += ' AND step BETWEEN ? AND ?';
    args.push(stored[0], stored[1]);
  } else if (stored) {
    if (haveTiles) {
      const b = db
        .prepare('SELECT min(min_step) AS lo, max(max_step) AS hi FROM metric_tile_chunks WHERE series_id = ? AND level = 0 AND max_ts >= ? AND min_ts <= ?')
        .get(seriesId, stored[0], stored[1]) as { lo: number | null; hi: number | null };
      if (b.lo === null || b.hi === null) return { step: [], ts: [], value: [] };
      sql += ' AND step BETWEEN ? AND ?';
      args.push(b.lo, b.hi);
    }
    sql += ' AND ts BETWEEN ? AND ?';
    args.push(stored[0], stored[1]);
  }
  const points: Points = { step: [], ts: [], value: [] };
  // all() costs about half of iterate() per row; without tiles this is the whole series, which
  // only a read-only store or a locked one makes us read for a long series.
  for (const [step, ts, value] of db
    .prepare(sql + ' ORDER BY step, rowid')
    .raw()
    .all(...args) as [number, number, number | null][]) {
    points.step.push(step);
    points.ts.push(ts);
    points.value.push(value === null ? NaN : value);
  }
  return points;
}

/** A stable sorting permutation when x is not already non-decreasing (a clock that went back). */
function sortedOrder(x: number[]): number[] | undefined {
  for (let i = 1; i < x.length; i++) {
    if (x[i]! < x[i - 1]!) return x.map((_, j) => j).sort((a, b) => x[a]! - x[b]! || a - b);
  }
  return undefined;
}
