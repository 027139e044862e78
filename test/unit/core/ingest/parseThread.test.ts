import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../../../../src/core/store/database';
import { ingestRunLog, type IngestOptions } from '../../../../src/core/ingest/runIngestor';
import {
  inlineScanRate,
  parseThread,
  parseThreadStats,
  threadKeepsUp,
  threadMayHelp,
  threadVerdict,
  threadWorthTrying,
  WINDOW_BYTES,
} from '../../../../src/core/ingest/parseThread';
import { type WorkspacePaths } from '../../../../src/core/workspace';
import { EventLogWriter } from '../../../helpers/eventLog';
import { closeTempStore, openTempStore, type TempStore } from '../../../helpers/tempStore';

/**
 * The parse thread (parseThread.ts) only moves where a chunk is read and scanned: each log below is
 * ingested into two stores, once with chunks scanned on the thread and once all here, and every
 * table ingest writes must come out the same: points, summaries, events, reported issues with
 * their line numbers, and the committed offset. The thread's counter proves it did the work.
 */
describe('ingest: the parse thread', () => {
  let tmp: TempStore['tmp'];
  let paths: WorkspacePaths;
  let db: Db;
  let inline: Db;
  const RUN = '018f00000000eeeeeeee';
  beforeEach(() => {
    ({ tmp, paths, db } = openTempStore());
    inline = openStore(path.join(tmp.dir, 'inline.db'));
  });
  afterEach(() => {
    inline.close();
    closeTempStore(tmp, db);
  });

  /** Everything ingest writes for the run, in a comparable form. */
  function contents(store: Db): unknown {
    const all = (sql: string) => store.prepare(sql).raw().all();
    return {
      points: all('SELECT s.key, p.step, p.ts, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id ORDER BY p.rowid'),
      summaries: all(
        'SELECT s.key, m.last, m.min, m.max, m.count, m.last_step, m.last_ts, m.nan_count FROM metric_summary m JOIN metric_series s ON s.id = m.series_id ORDER BY s.key',
      ),
      runs: all('SELECT r.id, e.name, r.name, r.status, r.start_time, r.end_time, r.last_seen FROM runs r JOIN experiments e ON e.id = r.experiment_id'),
      tags: all('SELECT key, value FROM tags ORDER BY key'),
      params: all('SELECT key, value FROM params ORDER BY key'),
      errors: all('SELECT line, message FROM ingest_errors ORDER BY line'),
      offset: all('SELECT byte_offset, line FROM ingest_offsets'),
    };
  }

  /** Ingests the run's log into both stores with the same options; returns the threaded call's result and how many chunks the thread scanned. */
  function both(options: IngestOptions) {
    const before = parseThreadStats.scanned;
    const threaded = ingestRunLog(db, paths.runsDir, RUN, { ...options, parseAhead: true });
    const scanned = parseThreadStats.scanned - before;
    const here = ingestRunLog(inline, paths.runsDir, RUN, { ...options, parseAhead: false });
    assert.equal(parseThreadStats.scanned - before, scanned, 'parseAhead: false used the thread');
    assert.deepStrictEqual(
      { ...threaded, issues: threaded.issues.map((i) => [i.line, i.message]) },
      { ...here, issues: here.issues.map((i) => [i.line, i.message]) },
    );
    assert.deepStrictEqual(contents(db), contents(inline));
    return { result: threaded, scanned };
  }

  /** A log of every kind of line: fast metric and metrics lines, general ones, corrupt and blank lines. */
  function writeMixedLog(lines: number, seed: number): void {
    const w = new EventLogWriter(paths.runsDir, RUN).start({ params: { lr: '0.1' } });
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const value = () => (rnd() < 0.03 ? '"NaN"' : rnd() < 0.02 ? '"-Infinity"' : String((rnd() - 0.5) * 10 ** Math.floor(rnd() * 8 - 4)));
    let text = '';
    for (let i = 0; i < lines; i++) {
      const ts = 1_700_000_000_000 + i;
      const r = rnd();
      if (r < 0.6) text += `{"type":"metric","ts":${ts},"key":"k${Math.floor(rnd() * 6)}","value":${value()},"step":${i}}\n`;
      else if (r < 0.9) text += `{"type":"metrics","ts":${ts},"step":${i},"values":{"loss":${value()},"acc":${value()}}}\n`;
      else if (r < 0.93)
        text += `{ "type":"metric","ts":${ts},"key":"slow","value":${value()},"step":${i}}\n`; // the general path
      else if (r < 0.95) text += `{"type":"tags","ts":${ts},"tags":{"at":"${i}"}}\n`;
      else if (r < 0.97)
        text += `{"type":"metric","ts":${ts},"key":\n`; // corrupt: reported by its line
      else if (r < 0.98) text += '\n';
      else text += `{"type":"params","ts":${ts},"params":{"p${i}":"${i}"}}\n`;
    }
    w.raw(text);
  }

  it('is tried by default with a second core, and kept while waiting for it costs less than scanning here', () => {
    assert.equal(threadMayHelp(1), false); // one core: nothing to overlap with
    assert.equal(threadMayHelp(2), true);
    assert.equal(threadMayHelp(8), true);
    // 1 MiB at 3 ns a byte is about 3.1 ms of scanning here.
    assert.equal(threadKeepsUp(0, 1 << 20, 3e-6), true);
    assert.equal(threadKeepsUp(3, 1 << 20, 3e-6), true);
    assert.equal(threadKeepsUp(3.2, 1 << 20, 3e-6), false);
    assert.equal(threadKeepsUp(40, 1 << 20, 3e-6), false);
  });

  describe('by default (parseAhead not given)', () => {
    const rate = inlineScanRate.msPerByte;
    beforeEach(() => (threadVerdict.droppedAt = -Infinity));
    afterEach(() => {
      inlineScanRate.msPerByte = rate;
      threadVerdict.droppedAt = -Infinity;
    });

    /** Ingests by default into `db` and forced inline into `inline`; both must store the same. */
    function byDefault(options: IngestOptions) {
      const before = { ...parseThreadStats };
      const result = ingestRunLog(db, paths.runsDir, RUN, options);
      const after = { ...parseThreadStats };
      const here = ingestRunLog(inline, paths.runsDir, RUN, { ...options, parseAhead: false });
      assert.deepStrictEqual(result, here);
      assert.deepStrictEqual(contents(db), contents(inline));
      return { scanned: after.scanned - before.scanned, gaveUp: after.gaveUp - before.gaveUp };
    }

    it('keeps using the thread while it keeps up', function () {
      if (!threadMayHelp()) this.skip();
      writeMixedLog(20_000, 3);
      inlineScanRate.msPerByte = 1; // scanning here "costs" 1 ms a byte: no wait is too long
      const { scanned, gaveUp } = byDefault({ chunkBytes: 64 * 1024 });
      assert.equal(gaveUp, 0);
      assert.ok(scanned >= 10, `the thread scanned ${scanned} chunks`);
    });

    it('stops using the thread for the rest of the call once it waited longer for it than scanning here takes', function () {
      if (!threadMayHelp()) this.skip();
      writeMixedLog(20_000, 7);
      // Keep the thread busy for a while (as another process's time slices would), with scans of a
      // 4 MiB log of its own; the first chunk handed to it then waits behind them.
      const busyFile = path.join(tmp.dir, 'busy.jsonl');
      let line = '';
      for (let i = 0; line.length < WINDOW_BYTES; i++) line += `{"type":"metric","ts":1700000000000,"key":"k","value":${i / 7},"step":${i}}\n`;
      fs.writeFileSync(busyFile, line);
      const fd = fs.openSync(busyFile, 'r');
      try {
        const thread = parseThread()!;
        thread.take(thread.post(fd, 0, 64 * 1024), 0); // started (its start-up is not judged)
        for (let i = 0; i < 8; i++) thread.post(fd, 0, WINDOW_BYTES);
        inlineScanRate.msPerByte = 3e-6;
        const { scanned, gaveUp } = byDefault({ chunkBytes: 64 * 1024 });
        assert.equal(gaveUp, 1);
        assert.equal(scanned, 1, 'only the chunk already handed over came from the thread');
        // The next calls do not try it again for a while (each try costs its first wait).
        assert.equal(threadWorthTrying(), false);
        assert.equal(threadWorthTrying(performance.now() + 31_000), true);
        const again = openStore(path.join(tmp.dir, 'again.db'));
        try {
          const before = parseThreadStats.scanned;
          ingestRunLog(again, paths.runsDir, RUN, { chunkBytes: 64 * 1024 });
          assert.equal(parseThreadStats.scanned, before, 'a call right after the drop used the thread');
          assert.deepStrictEqual(contents(again), contents(inline));
        } finally {
          again.close();
        }
      } finally {
        fs.closeSync(fd); // the thread answered our chunk after the busy ones: it is done with this file
      }
    });

    it("does not hold a new thread's start-up against it", async function () {
      if (!threadMayHelp()) this.skip();
      await parseThread()?.close(); // the call below starts a new thread and waits for it to load
      writeMixedLog(20_000, 5);
      inlineScanRate.msPerByte = 1e-9; // scanning here looks nearly free: any judged wait is too long
      const { scanned } = byDefault({ chunkBytes: 64 * 1024 });
      // Judging the first answer would drop the thread with that one chunk scanned on it.
      assert.ok(scanned >= 2, `the thread scanned ${scanned} chunks`);
    });
  });

  it('stores what scanning here stores, across many chunks, and scans most of them on the thread', () => {
    writeMixedLog(20_000, 11);
    const { result, scanned } = both({ chunkBytes: 64 * 1024 });
    assert.ok(result.issues.length > 100, 'the log has corrupt lines to report');
    assert.ok(scanned >= 10, `the thread scanned ${scanned} chunks`);
  });

  it('stores the same when the log is read in several calls, each stopping after a few chunks', () => {
    writeMixedLog(8_000, 5);
    for (let i = 0; i < 20; i++) {
      const { result } = both({ chunkBytes: 16 * 1024, maxChunks: 3 });
      if (!result.more) return;
    }
    assert.fail('the log was not read to its end in 20 calls');
  });

  it('reads a line longer than the chunk here, and goes on with the thread after it', () => {
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    let text = '';
    for (let i = 0; i < 3000; i++) text += `{"type":"metric","ts":${1_700_000_000_000 + i},"key":"loss","value":${i / 7},"step":${i}}\n`;
    text += `{"type":"tags","ts":1700000009999,"tags":{"long":"${'x'.repeat(40_000)}"}}\n`;
    for (let i = 3000; i < 6000; i++) text += `{"type":"metric","ts":${1_700_000_000_000 + i},"key":"loss","value":${i / 7},"step":${i}}\n`;
    w.raw(text);
    const { result, scanned } = both({ chunkBytes: 16 * 1024 });
    assert.equal(result.points, 6000);
    assert.ok(scanned >= 10, `the thread scanned ${scanned} chunks`);
  });

  it('reports an event the store refuses by its line when its chunk was scanned on the thread', () => {
    const w = new EventLogWriter(paths.runsDir, RUN).start();
    let text = '';
    for (let i = 0; i < 4000; i++) {
      text += `{"type":"metric","ts":${1_700_000_000_000 + i},"key":"loss","value":${i / 3},"step":${i}}\n`;
      // A 600-character experiment name is refused (1 to 500): its chunk is applied again event by event.
      if (i === 3000) text += `{"v":1,"type":"run_start","ts":1700000003000,"run_id":"${RUN}","experiment":"${'e'.repeat(600)}","name":"again"}\n`;
    }
    w.raw(text);
    const { result, scanned } = both({ chunkBytes: 16 * 1024 });
    assert.deepEqual(
      result.issues.map((i) => [i.line, /refused/.test(i.message)]),
      [[3003, true]],
    );
    assert.equal(result.points, 4000);
    assert.ok(scanned >= 5, `the thread scanned ${scanned} chunks`);
  });
});
