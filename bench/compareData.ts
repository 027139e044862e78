/**
 * Generates the comparison benchmark's workspace store: many runs with wide params/metrics
 * (summaries only, as the table never reads points) and a few runs with long metric series.
 * Rows go straight into the tables in one transaction per table group: ingest speed is not what
 * this benchmark measures, and the generator must stay fast enough to run on every `npm run bench`.
 */
import type { Db } from '../src/core/store/database';
import { prng } from '../src/core/random';

export interface CompareDataShape {
  runs: number;
  params: number;
  metrics: number;
  longRuns: number;
  longSteps: number;
}

export const OPTIMIZERS = ['adam', 'sgd', 'adamw', 'rmsprop'];
export const LONG_METRIC = 'curve';

/** Deterministic data, so every bench run measures the same thing. */
export const rng = prng;

export function runId(i: number): string {
  return (0x19400000000 + i).toString(16).padStart(12, '0') + i.toString(16).padStart(8, '0');
}

export function generateCompareData(db: Db, shape: CompareDataShape): void {
  const rand = rng(42);
  const t0 = Date.UTC(2026, 0, 1);
  db.transaction(() => {
    db.prepare('INSERT INTO experiments (id, name, created_at) VALUES (1, ?, ?), (2, ?, ?)').run('sweep', t0, 'baseline', t0);
    const run = db.prepare(`INSERT INTO runs (id, experiment_id, name, status, start_time, end_time) VALUES (?, ?, ?, ?, ?, ?)`);
    const param = db.prepare('INSERT INTO params VALUES (?, ?, ?)');
    const series = db.prepare('INSERT INTO metric_series (id, run_id, key) VALUES (?, ?, ?)');
    const summary = db.prepare('INSERT INTO metric_summary (series_id, last, min, max, count, last_step, last_ts, nan_count) VALUES (?, ?, ?, ?, ?, ?, ?, 0)');
    let seriesId = 1;
    for (let i = 0; i < shape.runs; i++) {
      const id = runId(i);
      const start = t0 + i * 60_000;
      const status = i % 50 === 0 ? 'running' : i % 17 === 0 ? 'failed' : 'finished';
      run.run(id, i % 10 === 0 ? 2 : 1, `run-${i}`, status, start, status === 'running' ? null : start + 1000 + Math.floor(rand() * 3_600_000));
      for (let p = 0; p < shape.params; p++) {
        // A mix like real sweeps: numbers, categories, a constant, and a param only some runs have.
        if (p === 3 && i % 3 === 0) continue;
        const value =
          p === 0
            ? OPTIMIZERS[i % OPTIMIZERS.length]!
            : p === 1
              ? String(10 ** -(1 + Math.floor(rand() * 5)))
              : p === 2
                ? 'constant'
                : String(Math.floor(rand() * 1000));
        param.run(id, `p${p}`, value);
      }
      for (let m = 0; m < shape.metrics; m++) {
        const last = i % 97 === 0 && m === 0 ? null : rand();
        series.run(seriesId, id, `m${m}`);
        summary.run(seriesId, last, last === null ? rand() / 2 : last / 2, 1 + rand(), 100, 99, start + 99);
        seriesId++;
      }
    }
  })();
  generateLongSeries(db, shape);
}

/** `longRuns` runs get one metric with `longSteps` points each (spikes included), series after series. */
function generateLongSeries(db: Db, shape: CompareDataShape): void {
  const rand = rng(7);
  const t0 = Date.UTC(2026, 0, 1);
  const firstSeries = db.prepare('SELECT coalesce(max(id), 0) + 1 FROM metric_series').pluck().get() as number;
  db.transaction(() => {
    const series = db.prepare('INSERT INTO metric_series (id, run_id, key) VALUES (?, ?, ?)');
    const point = db.prepare('INSERT INTO metric_points (series_id, step, ts, value) VALUES (?, ?, ?, ?)');
    const summary = db.prepare('INSERT INTO metric_summary (series_id, last, min, max, count, last_step, last_ts, nan_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let r = 0; r < shape.longRuns; r++) {
      const sid = firstSeries + r;
      const start = t0 + r * 60_000;
      series.run(sid, runId(r), LONG_METRIC);
      let min = Infinity;
      let max = -Infinity;
      let last: number | null = null;
      let nan = 0;
      for (let s = 0; s < shape.longSteps; s++) {
        let v: number | null = 2 * Math.exp(-s / 20_000) + 0.05 * rand();
        if (s % 7919 === 0) v += 5; // spikes a downsampler must keep
        if (s % 10_007 === 5) v = null; // NaN
        if (v === null) nan++;
        else {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        last = v;
        point.run(sid, s, start + s * 10, v);
      }
      summary.run(sid, last, min, max, shape.longSteps, shape.longSteps - 1, start + (shape.longSteps - 1) * 10, nan);
    }
  })();
}
