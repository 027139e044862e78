import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../../../../src/core/store/database';
import { ingestRunLog } from '../../../../src/core/ingest/runIngestor';
import { ingestWorkspace, rebuildStore } from '../../../../src/core/ingest/workspaceIngest';
import { sweepDeadRuns } from '../../../../src/core/ingest/liveness';
import { getMetricPoints, getRun, listRuns } from '../../../../src/core/runs/queries';
import { type WorkspacePaths } from '../../../../src/core/workspace';
import { EventLogWriter } from '../../../helpers/eventLog';
import { closeTempStore, openTempStore, type TempStore } from '../../../helpers/tempStore';

describe('ingest', () => {
  let tmp: TempStore['tmp'];
  let paths: WorkspacePaths;
  let db: Db;
  const RUN = '018f00000000aaaaaaaa';
  beforeEach(() => ({ tmp, paths, db } = openTempStore()));
  afterEach(() => closeTempStore(tmp, db));
  const log = (id = RUN) => new EventLogWriter(paths.runsDir, id);
  const ingest = (id = RUN, opts = {}) => ingestRunLog(db, paths.runsDir, id, opts);

  it('builds a run from its log: params, tags, metrics with summaries, artifacts, end', () => {
    log()
      .start({ params: { lr: '0.1' }, tags: { team: 'cv' }, context: { source: { path: '/w/train.py', kind: 'script' } } })
      .write(
        { type: 'params', ts: 1_700_000_000_001, params: { epochs: '3' } },
        { type: 'metric', ts: 1_700_000_000_002, key: 'loss', value: 0.9, step: 0 },
        { type: 'metrics', ts: 1_700_000_000_003, step: 1, values: { loss: 0.5, acc: 'NaN' } },
        { type: 'metric', ts: 1_700_000_000_004, key: 'loss', value: 'Infinity', step: 2 },
        { type: 'metric', ts: 1_700_000_000_005, key: 'loss', value: 0.7, step: 1 },
        { type: 'tags', ts: 1_700_000_000_006, tags: { team: 'nlp' } },
        { type: 'artifact', ts: 1_700_000_000_007, path: 'plots/loss.png', size: 10 },
        { type: 'run_end', ts: 1_700_000_001_000, status: 'finished' },
      );
    const r = ingest();
    assert.equal(r.points, 5);
    assert.deepEqual(r.issues, []);
    const run = getRun(db, RUN);
    assert.equal(run.name, 'run-a');
    assert.equal(run.experiment, 'exp');
    assert.equal(run.status, 'finished');
    assert.equal(run.duration_ms, 1000);
    assert.deepEqual(run.source, { path: '/w/train.py', kind: 'script' });
    assert.deepEqual(run.params, { lr: '0.1', epochs: '3' });
    assert.deepEqual(run.tags, { team: 'nlp' });
    // last = value at the highest step; min/max ignore NaN but keep infinities.
    assert.deepEqual(run.metrics['loss'], { last: 'Infinity', min: 0.5, max: 'Infinity', count: 4, last_step: 2 });
    assert.deepEqual(run.metrics['acc'], { last: 'NaN', min: 'NaN', max: 'NaN', count: 1, last_step: 1 });
    assert.deepEqual(
      getMetricPoints(db, RUN, 'loss').map((p) => [p.step, p.value]),
      [
        [0, 0.9],
        [1, 0.5],
        [1, 0.7],
        [2, 'Infinity'],
      ],
    );
    assert.deepEqual(db.prepare('SELECT path, size FROM artifacts').all(), [{ path: 'plots/loss.png', size: 10 }]);
  });

  it('ingests incrementally from the committed offset, never twice', () => {
    const w = log().start();
    for (let i = 0; i < 10; i++) w.write({ type: 'metric', ts: 1_700_000_000_000 + i, key: 'x', value: i, step: i });
    assert.equal(ingest().points, 10);
    assert.equal(ingest().unchanged, true);
    for (let i = 10; i < 15; i++) w.write({ type: 'metric', ts: 1_700_000_000_000 + i, key: 'x', value: i, step: i });
    assert.equal(ingest().points, 5);
    const m = getRun(db, RUN).metrics['x']!;
    assert.deepEqual(m, { last: 14, min: 0, max: 14, count: 15, last_step: 14 });
  });

  it('waits for a torn last line to get its newline', () => {
    const w = log().start();
    const line = JSON.stringify({ type: 'metric', ts: 1, key: 'x', value: 1, step: 0 });
    w.raw(line.slice(0, 10));
    ingest();
    assert.equal(getRun(db, RUN).metrics['x'], undefined);
    w.raw(line.slice(10) + '\n');
    assert.equal(ingest().points, 1);
    assert.equal(getRun(db, RUN).metrics['x']!.count, 1);
  });

  it('skips a corrupt line with an error naming file and line, and ingests the rest', () => {
    log()
      .start()
      .write({ type: 'metric', ts: 1, key: 'x', value: 1, step: 0 })
      .raw('{"type":"metric", this is not json\n')
      .write({ type: 'metric', ts: 2, key: 'x', value: 'oops', step: 1 })
      .raw('{"type":"metric","ts":3,"key":"x","value":3,"step":2},{"type":"heartbeat","ts":4}\n')
      .write({ type: 'metric', ts: 5, key: 'x', value: 2, step: 3 }, { type: 'artifact', ts: 6, path: '../../etc/passwd', size: 1 });
    const r = ingest();
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [3, 4, 5, 7],
    );
    assert.ok(r.issues.every((i) => i.file.endsWith(path.join(RUN, 'events.jsonl'))));
    assert.match(r.issues[0]!.message, /not valid JSON/);
    assert.match(r.issues[1]!.message, /metric value must be a number/);
    assert.match(r.issues[3]!.message, /escapes the run's artifacts folder/);
    assert.equal(getRun(db, RUN).metrics['x']!.count, 2);
    assert.equal((db.prepare('SELECT count(*) AS n FROM ingest_errors').get() as { n: number }).n, 4);
    assert.equal((db.prepare('SELECT count(*) AS n FROM artifacts').get() as { n: number }).n, 0);
  });

  it('applies fast-path metric lines and other lines in log order', () => {
    // metric lines take a fast path while metrics/blank lines are parsed apart: order must hold.
    log()
      .start()
      .write({ type: 'metric', ts: 1, key: 'x', value: 1, step: 5 })
      .raw('\n')
      .write({ type: 'metrics', ts: 2, step: 5, values: { x: 2 } })
      .write({ type: 'metric', ts: 3, key: 'x', value: 3, step: 5 })
      .raw('   \n')
      .write({ type: 'metrics', ts: 4, step: 5, values: { x: 4, y: 'NaN' } })
      .write({ type: 'metric', ts: 5, key: 'x', value: 'oops', step: 6 });
    const r = ingest();
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [8],
    );
    // Rows are inserted in the order events are applied.
    assert.deepEqual(db.prepare('SELECT value FROM metric_points ORDER BY rowid').pluck().all(), [1, 2, 3, 4, null]);
    assert.equal(getRun(db, RUN).metrics['x']!.last, 4);
  });

  it('commits in chunks and handles lines longer than a chunk', () => {
    const w = log().start({ context: { git: { diff: 'x'.repeat(50_000) } } });
    for (let i = 0; i < 1000; i++) w.write({ type: 'metric', ts: i, key: 'x', value: i, step: i });
    const r = ingest(RUN, { chunkBytes: 4096 });
    assert.equal(r.points, 1000);
    assert.deepEqual(r.issues, []);
    assert.equal(JSON.parse((db.prepare('SELECT context FROM runs').get() as { context: string }).context).git.diff.length, 50_000);
  });

  it('never duplicates points when two connections ingest the same log concurrently', () => {
    const w = log().start();
    for (let i = 0; i < 2000; i++) w.write({ type: 'metric', ts: i, key: 'x', value: i, step: i });
    const other = openStore(paths.storeFile);
    try {
      // Interleave small chunks from two "windows".
      ingestRunLog(other, paths.runsDir, RUN, { chunkBytes: 2048 });
      ingest(RUN, { chunkBytes: 1024 });
      ingestRunLog(other, paths.runsDir, RUN, { chunkBytes: 2048 });
    } finally {
      other.close();
    }
    const m = getRun(db, RUN).metrics['x']!;
    assert.equal(m.count, 2000);
    assert.equal((db.prepare('SELECT count(*) AS n FROM metric_points').get() as { n: number }).n, 2000);
  });

  it('ignores what follows run_end, except user edits', () => {
    log()
      .start()
      .write(
        { type: 'run_end', ts: 10, status: 'failed', error: 'ValueError: boom' },
        { type: 'metric', ts: 11, key: 'late', value: 1, step: 0 },
        { type: 'edit', ts: 12, field: 'name', value: 'renamed' },
        { type: 'edit', ts: 13, field: 'tag', key: 'note', value: 'hi' },
        { type: 'edit', ts: 14, field: 'lifecycle', value: 'deleted' },
      );
    ingest();
    const run = getRun(db, RUN);
    assert.equal(run.status, 'failed');
    assert.equal(run.error, 'ValueError: boom');
    assert.equal(run.metrics['late'], undefined);
    assert.equal(run.name, 'renamed');
    assert.deepEqual(run.tags, { note: 'hi' });
    assert.equal(run.lifecycle, 'deleted');
  });

  it('makes a run from a log whose run_start was lost', () => {
    log().write({ type: 'metric', ts: 5, key: 'x', value: 1, step: 0 });
    ingest();
    const run = getRun(db, RUN);
    assert.equal(run.experiment, 'Default');
    assert.equal(run.start_time, new Date(parseInt(RUN.slice(0, 12), 16)).toISOString());
  });

  it('refuses a log written by a newer format version', () => {
    log().write({ v: 99, type: 'run_start', ts: 1 });
    assert.match(ingest().issues[0]!.message, /format v99 is newer/);
  });

  it('re-ingests a run whose log was replaced by a shorter one', () => {
    const w = log().start();
    for (let i = 0; i < 50; i++) w.write({ type: 'metric', ts: i, key: 'x', value: i, step: i });
    ingest();
    fs.writeFileSync(w.file, '');
    w.start().write({ type: 'metric', ts: 1, key: 'x', value: 7, step: 0 });
    const r = ingest();
    assert.match(r.issues[0]!.message, /got shorter/);
    assert.deepEqual(getRun(db, RUN).metrics['x'], { last: 7, min: 7, max: 7, count: 1, last_step: 0 });
  });

  it('ingests a whole workspace and rebuilds the store from the logs alone', () => {
    log('018f00000001aaaaaaaa').start({ name: 'one' }).write({ type: 'metric', ts: 1, key: 'x', value: 1, step: 0 });
    log('018f00000002aaaaaaaa').start({ name: 'two' }).write({ type: 'run_end', ts: 2, status: 'finished' });
    const r = ingestWorkspace(db, paths);
    assert.deepEqual(r.changedRunIds, ['018f00000001aaaaaaaa', '018f00000002aaaaaaaa']);
    const before = listRuns(db);
    db.close();
    const { backup } = rebuildStore(paths);
    assert.ok(backup && fs.existsSync(backup));
    db = openStore(paths.storeFile);
    assert.deepEqual(listRuns(db), before);
  });

  describe('dead runs', () => {
    it('marks a running run killed when its process is gone on this host, keeping its data', () => {
      log().start({ host: 'me', pid: 4242 }).write({ type: 'metric', ts: 1_700_000_000_500, key: 'x', value: 1, step: 0 });
      ingest();
      assert.deepEqual(sweepDeadRuns(db, { host: 'me', isAlive: () => true, now: 1_700_000_001_000 }), []);
      assert.deepEqual(sweepDeadRuns(db, { host: 'me', isAlive: (pid) => pid !== 4242, now: 1_700_000_001_000 }), [RUN]);
      const run = getRun(db, RUN);
      assert.equal(run.status, 'killed');
      assert.equal(run.end_time, new Date(1_700_000_000_500).toISOString());
      assert.match(run.error!, /process 4242 exited/);
      assert.equal(run.metrics['x']!.count, 1);
    });

    it('reads a dead run to the end of its log before marking it, so it never shows fewer points than it flushed', () => {
      const w = log().start({ host: 'me', pid: 4242 });
      w.write({ type: 'metric', ts: 1_700_000_000_500, key: 'x', value: 0, step: 0 });
      ingest();
      // The process flushed the rest and died before anyone ingested it (a watcher event still on its way).
      for (let i = 1; i < 1000; i++) w.write({ type: 'metric', ts: 1_700_000_000_500 + i, key: 'x', value: i, step: i });
      const killed = sweepDeadRuns(db, { host: 'me', isAlive: () => false, now: 1_700_000_002_000, catchUp: (id) => void ingest(id) });
      assert.deepEqual(killed, [RUN]);
      const run = getRun(db, RUN);
      assert.equal(run.status, 'killed');
      assert.deepEqual([run.metrics['x']!.count, run.metrics['x']!.last], [1000, 999]);
      assert.equal(run.end_time, new Date(1_700_000_000_500 + 999).toISOString(), 'ends at the last event it logged');
    });

    it('marks a run from another host killed once its heartbeat is stale, and revives it if it speaks again', () => {
      const w = log().start({ host: 'other-host' });
      ingest();
      assert.deepEqual(sweepDeadRuns(db, { host: 'me', now: 1_700_000_010_000, staleMs: 30_000 }), []);
      assert.deepEqual(sweepDeadRuns(db, { host: 'me', now: 1_700_000_040_000, staleMs: 30_000 }), [RUN]);
      w.write({ type: 'heartbeat', ts: 1_700_000_041_000 });
      ingest();
      assert.equal(getRun(db, RUN).status, 'running');
      w.write({ type: 'run_end', ts: 1_700_000_042_000, status: 'finished' });
      ingest();
      assert.equal(getRun(db, RUN).status, 'finished');
    });
  });
});
