import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { openStore, type Db } from '../../../../src/core/store/database';
import { forgetRun } from '../../../../src/core/ingest/chunkCommit';
import { ingestRunLog } from '../../../../src/core/ingest/runIngestor';
import { type WorkspacePaths } from '../../../../src/core/workspace';
import { getSeriesDownsampled } from '../../../../src/core/query/series';
import { freshTiles, invalidateTiles, type SeriesSummary } from '../../../../src/core/query/tiles';
import { EventLogWriter } from '../../../helpers/eventLog';
import { closeTempStore, openTempStore, type TempStore } from '../../../helpers/tempStore';

/**
 * Ingest with `keepTiles` (the backend) extends long series' chart tiles in each chunk's
 * transaction from the points it parsed. The tiles it leaves must be exactly those a fresh build
 * from the stored points gives, current after every commit, and made without reading points back.
 */
describe('ingest: chart tiles kept current from the points in memory', () => {
  let tmp: TempStore['tmp'];
  let paths: WorkspacePaths;
  let db: Db;
  const RUN = '018f00000000dddddddd';
  beforeEach(() => ({ tmp, paths, db } = openTempStore()));
  afterEach(() => closeTempStore(tmp, db));

  const ingest = (chunkBytes: number) => ingestRunLog(db, paths.runsDir, RUN, { chunkBytes, keepTiles: true });
  const summaries = () =>
    db.prepare('SELECT m.series_id AS id, m.count, m.last_step, m.last_ts FROM metric_summary m ORDER BY m.series_id').all() as SeriesSummary[];
  const tileRows = (id: number) => ({
    chunks: db
      .prepare(
        'SELECT level, chunk, min_step, max_step, min_ts, max_ts, tiles, hex(data) AS data FROM metric_tile_chunks WHERE series_id = ? ORDER BY level, chunk',
      )
      .all(id),
    state: db.prepare('SELECT * FROM metric_tile_state WHERE series_id = ?').get(id),
  });
  const isCurrent = (s: SeriesSummary) =>
    db
      .prepare('SELECT count(*) FROM metric_tile_state WHERE series_id = ? AND count = ? AND last_step = ? AND last_ts = ?')
      .pluck()
      .get(s.id, s.count, s.last_step, s.last_ts) === 1;

  let checked = 0;
  /** Every long series' tiles are current, and equal to the tiles built afresh from the stored points. */
  const assertTilesAsBuiltAfresh = () => {
    for (const s of summaries()) {
      if (s.count < 4096) continue;
      checked++;
      assert.ok(isCurrent(s), `tiles of series ${s.id} (${s.count} points) are current after the commit`);
      const kept = tileRows(s.id);
      invalidateTiles(db, [s.id]);
      assert.ok(freshTiles(db, s));
      assert.deepEqual(kept, tileRows(s.id), `tiles of series ${s.id} as built afresh`);
    }
  };

  const metric = (key: string, step: number, value: number, ts: number) => ({
    type: 'metric',
    ts,
    key,
    step,
    value: Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value,
  });

  it('after every commit, equal to tiles built afresh: spikes, NaN, ±Infinity, repeated steps, dict lines, many chunks and appends', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1024, max: 64 * 1024 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (pieces, chunkBytes, seed) => {
          forgetRun(db, RUN);
          const w = new EventLogWriter(paths.runsDir, RUN);
          fs.rmSync(w.file, { force: true });
          w.start();
          let r = seed;
          const rnd = () => (r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
          let step = 0;
          let ts = 1_700_000_000_000;
          for (const n of pieces) {
            const lines: object[] = [];
            for (let i = 0; i < n; i++) {
              // Steps go up by 0–2 (repeats land in one tile; ties keep the first point), time
              // sometimes goes back (a clock adjusted), and a few values are extremes.
              step += Math.floor(rnd() * 3);
              ts += Math.floor(rnd() * 20) - 2;
              const u = rnd();
              const v = u < 0.01 ? NaN : u < 0.012 ? Infinity : u < 0.014 ? -Infinity : u < 0.03 ? 100 * rnd() : Math.sin(step / 40);
              if (rnd() < 0.3) lines.push({ type: 'metrics', ts, step, values: { loss: v === v ? v : 'NaN', acc: 1 - Math.cos(step / 9) } });
              else lines.push(metric('loss', step, v, ts));
            }
            w.write(...lines);
            ingest(chunkBytes);
            assertTilesAsBuiltAfresh();
          }
        },
      ),
      { numRuns: 15, seed: 20 },
    );
    assert.ok(checked >= 10, `long series checked after ${checked} commits`);
  });

  it('extends tiles without reading points back from the store', () => {
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    const add = (from: number, to: number) => {
      const lines = [];
      for (let i = from; i < to; i++) lines.push(metric('loss', i, i === 7_777 ? 50 : Math.sin(i / 30), 1_700_000_000_000 + i));
      w.write(...lines);
    };
    add(0, 6_000);
    ingest(16 * 1024);
    // From here the series' tiles are current: the next appends are folded onto them from memory.
    // A new connection, so that every statement used from here on is prepared (statements are
    // cached per connection) and seen below.
    db.close();
    db = openStore(paths.storeFile);
    const prepared: string[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof db.prepare;
    try {
      add(6_000, 20_000);
      ingest(16 * 1024);
      add(20_000, 20_001);
      ingest(16 * 1024);
    } finally {
      db.prepare = prepare;
    }
    const reads = prepared.filter((sql) => /SELECT[^;]*\bFROM metric_points\b(?! NOT INDEXED)/.test(sql) && !/max\(rowid\)/.test(sql));
    assert.deepEqual(reads, [], 'no point was read back to extend the tiles');
    assertTilesAsBuiltAfresh();
    const [chart] = getSeriesDownsampled(db, { runIds: [RUN], keys: ['loss'], buckets: 100 }).series;
    assert.equal(chart!.count, 20_001);
    assert.ok(chart!.y.includes(50), 'the spike is drawn');
  });

  it('leaves tiles stale, never wrong, when a point comes with an earlier step; the chart request then extends them', () => {
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    const lines = [];
    for (let i = 0; i < 6_000; i++) lines.push(metric('loss', i, Math.sin(i / 30), 1_700_000_000_000 + i));
    w.write(...lines);
    ingest(1 << 20);
    w.write(metric('loss', 6_000, 0, 1_700_000_010_000), metric('loss', 1_234, 77, 1_700_000_010_001));
    ingest(1 << 20);
    const [s] = summaries();
    assert.ok(!isCurrent(s!), 'tiles are stale after an out-of-order point');
    const [chart] = getSeriesDownsampled(db, { runIds: [RUN], keys: ['loss'], buckets: 64 }).series;
    assert.ok(chart!.y.includes(77), 'the late point is drawn');
    assertTilesAsBuiltAfresh();
  });
});
