import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { type Db } from '../../../../src/core/store/database';
import { ingestRunLog } from '../../../../src/core/ingest/runIngestor';
import { getMetricPoints, getRun } from '../../../../src/core/runs/queries';
import { type WorkspacePaths } from '../../../../src/core/workspace';
import { EventLogWriter } from '../../../helpers/eventLog';
import { closeTempStore, openTempStore, type TempStore } from '../../../helpers/tempStore';

/**
 * Issue 21 (mutation testing of runIngestor.ts): what one ingest call reports — the counts, the
 * issues with their line numbers, the inputs, `more` and `unchanged` — each pinned by a test, since
 * the backend and the CLI act on them (notify the views, link snapshots, print `file:line`).
 */
describe('ingest: what one call reports', () => {
  let tmp: TempStore['tmp'];
  let paths: WorkspacePaths;
  let db: Db;
  const RUN = '018f00000000cccccccc';
  beforeEach(() => ({ tmp, paths, db } = openTempStore()));
  afterEach(() => closeTempStore(tmp, db));
  const log = (id = RUN) => new EventLogWriter(paths.runsDir, id);
  const ingest = (id = RUN, opts = {}) => ingestRunLog(db, paths.runsDir, id, opts);
  const count = (table: 'runs' | 'ingest_offsets') => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const metric = (step: number) => ({ type: 'metric', ts: 1_700_000_000_000 + step, key: 'x', value: step, step });

  it('counts the events and points it applied, reports no issues for a clean log, then nothing new', () => {
    log()
      .start()
      .write(metric(0), metric(1), { type: 'metrics', ts: 1_700_000_000_002, step: 2, values: { x: 2, y: 3 } }, { type: 'tags', ts: 1, tags: { a: 'b' } });
    const first = ingest();
    assert.deepEqual([first.events, first.points, first.issues, first.unchanged, first.more], [5, 4, [], false, false]);
    const again = ingest();
    assert.deepEqual([again.events, again.points, again.issues, again.unchanged], [0, 0, [], true]);
    log().write(metric(3));
    const more = ingest();
    assert.deepEqual([more.events, more.points, more.unchanged], [1, 1, false]);
  });

  it('reports the inputs a run logged, with when it read them (for snapshot lineage)', () => {
    log()
      .start()
      .write({ type: 'input', ts: 1_700_000_000_100, path: 'data/train.csv' }, metric(0), { type: 'input', ts: 1_700_000_000_200, path: 'data/test.csv' });
    assert.deepEqual(ingest().inputs, [
      { path: 'data/train.csv', ts: 1_700_000_000_100 },
      { path: 'data/test.csv', ts: 1_700_000_000_200 },
    ]);
    assert.deepEqual(ingest().inputs, [], 'reported once');
  });

  it('stops after maxChunks committed chunks and says there is more, then carries on from there', () => {
    const w = log().start();
    for (let i = 0; i < 300; i++) w.write(metric(i));
    const size = fs.statSync(w.file).size;
    const chunk = Math.ceil(size / 10);
    const first = ingest(RUN, { chunkBytes: chunk, maxChunks: 2 });
    assert.equal(first.more, true);
    assert.ok(first.points > 0 && first.points < 300, `two chunks of about ten: ${first.points} points`);
    const committed = (db.prepare('SELECT byte_offset FROM ingest_offsets WHERE run_id = ?').get(RUN) as { byte_offset: number }).byte_offset;
    assert.ok(committed > chunk && committed <= 2 * chunk, `offset after two chunks of ${chunk} bytes: ${committed}`);
    const rest = ingest(RUN, { chunkBytes: chunk, maxChunks: 100 });
    assert.equal(rest.more, false);
    assert.equal(first.points + rest.points, 300);
    assert.equal(getMetricPoints(db, RUN, 'x').length, 300);
    // Stopped by maxChunks exactly at the end of the log: nothing more.
    log('018f00000000dddddddd').start().write(metric(0), metric(1));
    const whole = ingest('018f00000000dddddddd', { chunkBytes: 1 << 20, maxChunks: 1 });
    assert.deepEqual([whole.more, whole.points], [false, 2]);
    const exactly = ingest(RUN, { chunkBytes: chunk, maxChunks: 0 });
    assert.deepEqual([exactly.more, exactly.events], [false, 0], 'maxChunks 0 at the end: nothing more');
  });

  it('numbers lines across blank lines and chunks, so an issue names the line a person sees', () => {
    const w = log().start(); // line 1
    w.raw('\n\n'); // lines 2, 3
    w.write(metric(0)); // line 4
    w.raw('{"type": "metric", oops}\n'); // line 5
    w.raw('   \n'); // line 6
    w.write(metric(1)); // line 7
    w.raw('not json\n'); // line 8
    const r = ingest(RUN, { chunkBytes: 64 }); // chunks smaller than a line: the window grows
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [5, 8],
    );
    assert.equal(r.points, 2);
    assert.ok(r.issues.every((i) => i.file === w.file));
  });

  it('reports a line holding two events glued together as one bad line, and reads the next lines as they are', () => {
    // The whole chunk parses as one JSON array (the fast path), with one value too many: the glued
    // line must not shift every later line onto the wrong event.
    const w = log().start();
    w.raw(JSON.stringify(metric(0)) + ',' + JSON.stringify(metric(1)) + '\n'); // line 2
    w.write(metric(2), metric(3)); // lines 3, 4
    const r = ingest();
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [2],
    );
    assert.deepEqual(
      getMetricPoints(db, RUN, 'x').map((p) => p.step),
      [2, 3],
    );
  });

  it('refuses a newer format only on the first line; a newer run_start further down is one bad line', () => {
    log().start().write(metric(0), { v: 99, type: 'run_start', ts: 2 }, metric(1));
    const r = ingest();
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [3],
    );
    assert.equal(r.points, 2, 'the rest of the log is ingested');
  });

  it('a newer format on the first line: nothing is committed, so an update can ingest all of it later', () => {
    log().write({ v: 99, type: 'run_start', ts: 1 }, metric(0));
    const r = ingest();
    assert.equal(r.issues.length, 1);
    assert.equal(r.issues[0]!.line, 1);
    assert.equal(r.events, 0);
    assert.equal(count('ingest_offsets'), 0);
  });

  for (const bad of ['!lead', 'trail!', 'mid dle', '.hidden']) {
    it(`skips a run folder named ${JSON.stringify(bad)}, which is no run id`, () => {
      fs.mkdirSync(path.join(paths.runsDir, bad), { recursive: true });
      fs.writeFileSync(path.join(paths.runsDir, bad, 'events.jsonl'), JSON.stringify(metric(0)) + '\n');
      const r = ingest(bad);
      assert.equal(r.events, 0);
      assert.match(r.issues[0]!.message, /not a valid run id/);
      assert.equal(count('runs'), 0);
    });
  }

  it('accepts the longest run id and dots after the first character', () => {
    const id = 'a.' + 'b'.repeat(62);
    log(id).write(metric(0));
    assert.equal(ingest(id).points, 1);
    assert.equal(getRun(db, id).id, id);
  });

  it('skips a line longer than maxLineBytes, names its line, and goes on with the next ones', () => {
    const w = log().start(); // line 1
    w.write(metric(0)); // line 2
    w.raw(JSON.stringify({ type: 'tags', ts: 1, tags: { big: 'x'.repeat(5000) } }) + '\n'); // line 3: too long
    w.write(metric(1), metric(2)); // lines 4, 5
    w.raw('not json\n'); // line 6: numbered from the skipped line on
    const r = ingest(RUN, { chunkBytes: 256, maxLineBytes: 1024 });
    assert.deepEqual(
      r.issues.map((i) => [i.line, i.message.slice(0, 20)]),
      [
        [3, 'line longer than 102'],
        [6, 'not valid JSON (Unex'],
      ],
    );
    assert.deepEqual(
      getMetricPoints(db, RUN, 'x').map((p) => p.step),
      [0, 1, 2],
    );
    assert.equal(getRun(db, RUN).tags['big'], undefined);
    // The skip is committed with the offset: the next call does not report it again.
    // …and the line count it committed is right: a bad line in the next call is named correctly.
    log().write(metric(3)); // line 7
    log().raw('oops\n'); // line 8
    assert.deepEqual(
      ingest(RUN, { chunkBytes: 256, maxLineBytes: 1024 }).issues.map((i) => i.line),
      [8],
    );
    const stored = db.prepare('SELECT line, message FROM ingest_errors WHERE run_id = ? ORDER BY line').all(RUN) as { line: number; message: string }[];
    assert.deepEqual(stored[0], { line: 3, message: 'line longer than 1024 bytes, skipped' });
    assert.deepEqual(
      stored.map((e) => e.line),
      [3, 6, 8],
    );
  });

  it('commits the line count with a skipped long line, so the next call numbers its lines right', () => {
    const w = log().start(); // line 1
    w.raw(JSON.stringify({ type: 'tags', ts: 1, tags: { big: 'x'.repeat(5000) } }) + '\n'); // line 2: too long, and last
    assert.deepEqual(
      ingest(RUN, { chunkBytes: 256, maxLineBytes: 1024 }).issues.map((i) => i.line),
      [2],
    );
    w.raw('oops\n'); // line 3
    assert.deepEqual(
      ingest(RUN, { chunkBytes: 256, maxLineBytes: 1024 }).issues.map((i) => i.line),
      [3],
    );
  });

  it('waits for a long last line that has no newline yet, then ingests it once it is complete', () => {
    const w = log().start();
    const tags = JSON.stringify({ type: 'tags', ts: 1, tags: { t: 'y'.repeat(3000) } });
    w.raw(tags.slice(0, 2000)); // longer than maxLineBytes so far, and still being written
    const first = ingest(RUN, { chunkBytes: 256, maxLineBytes: 1024 });
    assert.deepEqual(first.issues, [], 'an unfinished line is not judged yet');
    w.raw(tags.slice(2000) + '\n');
    w.write(metric(0));
    const r = ingest(RUN, { chunkBytes: 256, maxLineBytes: 1024 });
    assert.deepEqual(
      r.issues.map((i) => i.line),
      [2],
    );
    assert.equal(r.points, 1);
  });

  it('reports a log it cannot open (a Unix socket planted as events.jsonl) instead of throwing', async () => {
    fs.mkdirSync(path.join(paths.runsDir, RUN), { recursive: true });
    const file = path.join(paths.runsDir, RUN, 'events.jsonl');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(file, resolve)); // open() of a socket fails: ENXIO
    try {
      const r = ingest();
      assert.equal(r.events, 0);
      assert.match(r.issues[0]!.message, /cannot open the event log/);
      assert.equal(r.issues[0]!.file, file);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ignores event types it does not know yet (a newer client), without an issue', () => {
    log()
      .start()
      .write({ type: 'from_the_future', ts: 1, anything: [1, 2] }, metric(0));
    const r = ingest();
    assert.deepEqual([r.events, r.points, r.issues], [2, 1, []]);
  });

  it('lets a failure of the store itself through instead of reporting the events as refused', () => {
    log().start().write(metric(0), metric(1));
    db.pragma('query_only = 1'); // every write now fails with SQLITE_READONLY: the store, not a row
    assert.throws(
      () => ingest(),
      (e: { code?: string }) => e.code === 'SQLITE_READONLY',
    );
    db.pragma('query_only = 0');
    const r = ingest();
    assert.deepEqual([r.points, r.issues], [2, []], 'nothing was skipped: it all comes in once the store works');
  });

  it('returns quietly for a run folder without a log yet', () => {
    fs.mkdirSync(path.join(paths.runsDir, RUN), { recursive: true });
    const r = ingest();
    assert.deepEqual([r.events, r.issues, r.unchanged], [0, [], true]);
  });

  it('closes the log file it opened (a backend ingests thousands of runs without running out of descriptors)', function () {
    if (!fs.existsSync('/proc/self/fd')) this.skip();
    log().start().write(metric(0));
    const open = () => fs.readdirSync('/proc/self/fd').length;
    ingest();
    const before = open();
    fs.mkdirSync(path.join(paths.runsDir, 'dir-log', 'events.jsonl'), { recursive: true }); // reported, and closed too
    for (let i = 0; i < 50; i++) {
      log().write(metric(i + 1));
      ingest();
      ingest('dir-log');
    }
    assert.ok(open() <= before + 2, `descriptors open: ${before} before, ${open()} after 50 ingests`);
  });
});
