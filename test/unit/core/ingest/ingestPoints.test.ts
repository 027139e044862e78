import { strict as assert } from 'node:assert';
import { type Db } from '../../../../src/core/store/database';
import { ingestRunLog } from '../../../../src/core/ingest/runIngestor';
import { type WorkspacePaths } from '../../../../src/core/workspace';
import { EventLogWriter } from '../../../helpers/eventLog';
import { closeTempStore, openTempStore, type TempStore } from '../../../helpers/tempStore';

/**
 * The points path of ingest (metric lines scanned into columns, applied in batches, summaries kept
 * in memory per chunk) against a reference worked out here from the events themselves.
 */
describe('ingest: points and their summaries', () => {
  let tmp: TempStore['tmp'];
  let paths: WorkspacePaths;
  let db: Db;
  const RUN = '018f00000000cccccccc';
  beforeEach(() => ({ tmp, paths, db } = openTempStore()));
  afterEach(() => closeTempStore(tmp, db));

  interface Ref {
    count: number;
    min: number | null;
    max: number | null;
    last: number | null;
    lastStep: number;
    nan: number;
  }

  it('stores every point, in log order, and the summaries a reference computes: 40 keys, NaN, ±Infinity, many chunks', () => {
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const expected: [string, number, number, number | null][] = [];
    const ref = new Map<string, Ref>();
    const add = (key: string, step: number, ts: number, value: number) => {
      expected.push([key, step, ts, Number.isNaN(value) ? null : value]);
      const r = ref.get(key) ?? { count: 0, min: null, max: null, last: null, lastStep: -Infinity, nan: 0 };
      r.count++;
      if (step >= r.lastStep) {
        r.last = Number.isNaN(value) ? null : value;
        r.lastStep = step;
      }
      if (Number.isNaN(value)) r.nan++;
      else {
        r.min = r.min === null ? value : Math.min(r.min, value);
        r.max = r.max === null ? value : Math.max(r.max, value);
      }
      ref.set(key, r);
    };
    const asLogged = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);
    for (let i = 0; i < 6000; i++) {
      // 40 keys: more than the fast path compares byte by byte before it decodes and looks up.
      const key = i % 3 === 0 ? 'loss' : `k${Math.floor(rnd() * 40)}`;
      const r = rnd();
      const value = r < 0.02 ? NaN : r < 0.03 ? Infinity : r < 0.04 ? -Infinity : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 10 - 5);
      const step = Math.floor(rnd() * 1000); // out of order: "last" is the value at the highest step
      const ts = 1_700_000_000_000 + i;
      w.write({ type: 'metric', ts, key, value: asLogged(value), step });
      add(key, step, ts, value);
      if (i % 500 === 250) {
        // Other events between points: a dict of metrics (the general path) and tags.
        w.write({ type: 'metrics', ts, step, values: { loss: 0.25, k1: 'NaN' } }, { type: 'tags', ts, tags: { at: String(i) } });
        add('loss', step, ts, 0.25);
        add('k1', step, ts, NaN);
      }
    }
    const r = ingestRunLog(db, paths.runsDir, RUN, { chunkBytes: 8192 });
    assert.deepEqual(r.issues, []);
    assert.equal(r.points, expected.length);
    const stored = db
      .prepare('SELECT s.key, p.step, p.ts, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id ORDER BY p.rowid')
      .raw()
      .all();
    assert.deepStrictEqual(stored, expected);
    const summaries = db
      .prepare('SELECT s.key, m.count, m.min, m.max, m.last, m.last_step, m.nan_count FROM metric_summary m JOIN metric_series s ON s.id = m.series_id')
      .raw()
      .all() as [string, number, number | null, number | null, number | null, number, number][];
    assert.equal(summaries.length, ref.size);
    for (const [key, count, min, max, last, lastStep, nan] of summaries) {
      const e = ref.get(key)!;
      assert.deepStrictEqual([count, min, max, last, lastStep, nan], [e.count, e.min, e.max, e.last, e.lastStep, e.nan], key);
    }
  });

  it('after a chunk rolls back over one refused event, stores its points under their series and reports only that event', () => {
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    w.write(
      { type: 'metric', ts: 1_700_000_000_001, key: 'fresh', value: 1, step: 0 },
      // The store refuses a 600-character experiment name (1 to 500): the whole chunk rolls back and
      // is applied again event by event. The series made by the first attempt is gone by then.
      { v: 1, type: 'run_start', ts: 1_700_000_000_002, run_id: RUN, experiment: 'e'.repeat(600), name: 'again' },
      { type: 'metric', ts: 1_700_000_000_003, key: 'fresh', value: 2, step: 1 },
    );
    const r = ingestRunLog(db, paths.runsDir, RUN);
    assert.deepEqual(
      r.issues.map((i) => [i.line, /refused/.test(i.message)]),
      [[3, true]],
    );
    assert.equal(r.points, 2);
    assert.deepEqual(
      db.prepare("SELECT p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.key = 'fresh' ORDER BY p.rowid").pluck().all(),
      [1, 2],
    );
    assert.equal(db.prepare('SELECT count FROM metric_summary').pluck().get(), 2);
  });

  it('stores the same rows, summaries and event counts whether lines take the fast path or the general one', () => {
    // The general path is forced by a space after the opening brace, which JSON allows and the
    // fast path does not take. Both logs hold the same events.
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const ts = 1_700_000_000_000 + i;
      const v = () => (rnd() < 0.05 ? '"NaN"' : String((rnd() - 0.5) * 10 ** Math.floor(rnd() * 8 - 4)));
      const r = rnd();
      if (r < 0.4) lines.push(`{"type":"metric","ts":${ts},"key":"k${Math.floor(rnd() * 5)}","value":${v()},"step":${i}}`);
      else if (r < 0.9) lines.push(`{"type":"metrics","ts":${ts},"step":${i},"values":{"loss":${v()},"acc":${v()},"k${Math.floor(rnd() * 5)}x":${v()}}}`);
      // Shapes the fast path leaves to the general one even unforced: the stores must agree anyway.
      else if (r < 0.93) lines.push(`{"type":"metrics","ts":${ts},"step":${i},"values":{"b":${v()},"7":${v()},"b":${v()}}}`);
      else if (r < 0.96) lines.push(`{"type":"metrics","ts":${ts},"step":${i},"values":{}}`);
      else lines.push(`{"type":"tags","ts":${ts},"tags":{"at":"${i}"}}`);
    }
    const store = (runId: string, text: string) => {
      const w = new EventLogWriter(paths.runsDir, runId).start();
      w.raw(text);
      const r = ingestRunLog(db, paths.runsDir, runId, { chunkBytes: 16_384 });
      const rows = db
        .prepare(
          `SELECT s.key, p.step, p.ts, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id
           WHERE s.run_id = ? ORDER BY p.rowid`,
        )
        .raw()
        .all(runId);
      const summaries = db
        .prepare(
          `SELECT s.key, m.count, m.min, m.max, m.last, m.last_step, m.last_ts, m.nan_count FROM metric_summary m
           JOIN metric_series s ON s.id = m.series_id WHERE s.run_id = ? ORDER BY s.key`,
        )
        .raw()
        .all(runId);
      return { events: r.events, points: r.points, issues: r.issues.length, rows, summaries };
    };
    const fast = store(RUN, lines.map((l) => l + '\n').join(''));
    const general = store('018f00000000dddddddd', lines.map((l) => '{ ' + l.slice(1) + '\n').join(''));
    assert.ok(fast.rows.length > 5000);
    assert.deepStrictEqual(fast, general);
  });
});
