/**
 * Comparison-view query benchmark (issue 5). On a generated store of 10,000 runs × 50 params ×
 * 50 metrics plus 100 runs × 100,000 steps of one metric, measures:
 *  - the table: a filtered, metric-sorted first page of 100 runs (queryRuns, and runsTable's
 *    columnar page), and the column catalogue, against a full scan of the params table;
 *  - charts: 100 series downsampled to 1000 buckets, cold (building the min/max tiles) and warm,
 *    zoomed, on a time axis, and after live appends, against fetching every point.
 * Timings are medians of several repetitions. Prints JSON; never asserts timings.
 * MLWB_BENCH_RUNS / MLWB_BENCH_STEPS shrink the store for a quick look.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../src/core/store/database';
import { queryRuns } from '../src/core/query/runs';
import { runsTable } from '../src/core/query/table';
import { getSeriesDownsampled } from '../src/core/query/series';
import { runBenchmark } from './lib/runBenchmark';
import { LONG_METRIC, generateCompareData, runId } from './compareData';

const SHAPE = {
  runs: Number(process.env['MLWB_BENCH_RUNS'] ?? 10_000),
  params: 50,
  metrics: 50,
  longRuns: 100,
  longSteps: Number(process.env['MLWB_BENCH_STEPS'] ?? 100_000),
};
const FILTER = `metrics.m0 < 0.5 and params.p0 = 'adam'`;
const ORDER = 'metrics.m1 DESC';
const BUCKETS = 1000;

function ms(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** Median of `n` runs after one warm-up, so one hiccup of the shared machine does not decide. */
function median(fn: () => unknown, n = 7): number {
  fn();
  const times = Array.from({ length: n }, () => ms(fn)).sort((a, b) => a - b);
  return times[n >> 1]!;
}

const round = (v: number) => +v.toFixed(1);
const ratio = (a: number, b: number) => +(a / b).toFixed(3);

function measure(dir: string): object {
  const file = path.join(dir, 'store.db');
  let db: Db = openStore(file);
  const tGen = ms(() => generateCompareData(db, SHAPE));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  db = openStore(file);
  const pointsBytes = fs.statSync(file).size;

  // Table. Baseline: reading every param value once.
  const scanParams = median(() => db.prepare('SELECT count(*), sum(length(value)) FROM params').get());
  const page = median(() => queryRuns(db, { filter: FILTER, orderBy: ORDER, limit: 100 }));
  const matching = queryRuns(db, { filter: FILTER, limit: 0 }).total;
  const columnarPage = median(() => runsTable(db, { filter: FILTER, orderBy: ORDER, limit: 100, catalogue: false }));
  const filteredWithCatalogue = median(() => runsTable(db, { filter: FILTER, orderBy: ORDER, limit: 100 }));
  const allWithCatalogue = median(() => runsTable(db, { orderBy: ORDER, limit: 100 }));
  const wide = `metrics.m0 < 0.9`;
  const wideWithCatalogue = median(() => runsTable(db, { filter: wide, orderBy: ORDER, limit: 100 }));
  const columns = runsTable(db, { limit: 0 }).catalogue!.length;

  // Charts. Baseline: every point of the 100 series, read the cheapest way.
  const runIds = Array.from({ length: SHAPE.longRuns }, (_, i) => runId(i));
  const seriesIds = db
    .prepare('SELECT id FROM metric_series WHERE key = ? AND run_id IN (SELECT value FROM json_each(?))')
    .pluck()
    .all(LONG_METRIC, JSON.stringify(runIds)) as number[];
  const fetchAll = db.prepare('SELECT step, value FROM metric_points WHERE series_id = ? ORDER BY step').raw();
  const naive = ms(() => seriesIds.forEach((id) => fetchAll.all(id)));
  const query = { runIds, keys: [LONG_METRIC], buckets: BUCKETS };
  const cold = ms(() => getSeriesDownsampled(db, query));
  const warm = median(() => getSeriesDownsampled(db, query));
  const sample = getSeriesDownsampled(db, query);
  const payload = JSON.stringify(sample).length;
  const points = sample.series.reduce((n, s) => n + s.x.length, 0);
  const zoom = median(() => getSeriesDownsampled(db, { ...query, range: [SHAPE.longSteps * 0.45, SHAPE.longSteps * 0.55] }));
  const zoomFine = median(() => getSeriesDownsampled(db, { ...query, range: [SHAPE.longSteps * 0.5, SHAPE.longSteps * 0.51] }));
  const time = median(() => getSeriesDownsampled(db, { ...query, xAxis: 'relative' }));
  const live = appendAndQuery(db, seriesIds.slice(0, 10), query);
  const tileBytes = db.prepare('SELECT sum(length(data)) FROM metric_tile_chunks').pluck().get() as number;

  const result = {
    bench: 'compare',
    shape: SHAPE,
    generate_seconds: +(tGen / 1000).toFixed(1),
    store_mb: +(pointsBytes / 1e6).toFixed(1),
    table: {
      filter: FILTER,
      order_by: ORDER,
      matching_runs: matching,
      columns,
      baseline_scan_params_ms: round(scanParams),
      page_ms: round(page),
      page_vs_baseline: ratio(page, scanParams),
      columnar_page_ms: round(columnarPage),
      columnar_page_vs_baseline: ratio(columnarPage, scanParams),
      page_and_catalogue_filtered_ms: round(filteredWithCatalogue),
      page_and_catalogue_all_runs_ms: round(allWithCatalogue),
      page_and_catalogue_wide_filter_ms: round(wideWithCatalogue),
      wide_filter: wide,
      catalogue_all_runs_vs_baseline: ratio(allWithCatalogue, scanParams),
    },
    series: {
      series: seriesIds.length,
      points_per_series: SHAPE.longSteps,
      buckets: BUCKETS,
      baseline_fetch_all_points_ms: round(naive),
      cold_ms: round(cold),
      cold_vs_baseline: ratio(cold, naive),
      warm_ms: round(warm),
      warm_vs_baseline: ratio(warm, naive),
      zoom_10pct_ms: round(zoom),
      zoom_1pct_ms: round(zoomFine),
      relative_time_axis_ms: round(time),
      after_live_append_ms: round(live),
      points_returned: points,
      payload_bytes: payload,
      tile_bytes_per_point: +(tileBytes / (seriesIds.length * SHAPE.longSteps)).toFixed(2),
    },
  };
  db.close();
  return result;
}

/** Appends 1,000 points to each of some series (as live ingest would), then charts all 100 again. */
function appendAndQuery(db: Db, seriesIds: number[], query: Parameters<typeof getSeriesDownsampled>[1]): number {
  db.transaction(() => {
    const insert = db.prepare('INSERT INTO metric_points (series_id, step, ts, value) VALUES (?, ?, ?, ?)');
    const summary = db.prepare('UPDATE metric_summary SET count = count + 1000, last_step = ?, last_ts = ?, last = ? WHERE series_id = ?');
    for (const id of seriesIds) {
      for (let s = SHAPE.longSteps; s < SHAPE.longSteps + 1000; s++) insert.run(id, s, 2e12 + s, Math.random());
      summary.run(SHAPE.longSteps + 999, 2e12 + SHAPE.longSteps + 999, 0.5, id);
    }
  })();
  return ms(() => getSeriesDownsampled(db, query));
}

runBenchmark('mlwb-bench-compare-', measure);
