import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { LiveIngest } from '../../../src/backend/liveIngest';
import { openStore, type Db } from '../../../src/core/store/database';
import { ensureWorkspace, type WorkspacePaths } from '../../../src/core/workspace';
import { EventLogWriter } from '../../helpers/eventLog';
import { until } from '../../helpers/wait';
import { makeTempDir } from '../../helpers/tmp';

describe('LiveIngest', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let paths: WorkspacePaths;
  let db: Db;
  let live: LiveIngest | undefined;
  const RUN = '018f00000000bbbbbbbb';
  beforeEach(() => {
    tmp = makeTempDir();
    paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
    db = openStore(paths.storeFile);
  });
  afterEach(async () => {
    await live?.close();
    live = undefined;
    db.close();
    tmp.cleanup();
  });

  const tileCount = () => db.prepare('SELECT count FROM metric_tile_state').pluck().get() as number | undefined;
  const pointCount = () => db.prepare('SELECT count(*) FROM metric_points').pluck().get() as number;
  const points = (from: number, to: number) => {
    const out = [];
    for (let i = from; i < to; i++) out.push({ type: 'metric', ts: 1_700_000_000_000 + i, key: 'loss', value: 1 / (i + 1), step: i });
    return out;
  };

  it('extends the chart tiles of a long series as its points are ingested, not only when idle', async () => {
    const log = new EventLogWriter(paths.runsDir, RUN).start();
    // The idle pass over all series never comes within this test: tiles current here were built
    // by the extension that follows ingest.
    live = new LiveIngest(db, paths, { changed: () => undefined, issue: () => undefined, warn: (m) => assert.fail(m) }, { idleTilesMs: 3_600_000 });
    for (const [from, to] of [
      [0, 5000],
      [5000, 9000],
    ] as const) {
      log.write(...points(from, to));
      live.touch(RUN);
      await live.idle();
      await until(() => tileCount() === to, `tiles of ${to} points`, 10_000);
    }
  });

  it('has the chart tiles of new points current by the time it tells views of them (kept in the ingest commit, from memory)', async () => {
    const log = new EventLogWriter(paths.runsDir, RUN).start();
    const seen: [number, number | undefined][] = [];
    live = new LiveIngest(db, paths, {
      changed: () => seen.push([pointCount(), tileCount()]),
      issue: () => undefined,
      warn: (m) => assert.fail(m),
    });
    log.write(...points(0, 5000));
    live.touch(RUN);
    await until(() => seen.length > 0, 'a notification', 10_000);
    assert.deepEqual(seen[0], [5000, 5000]);
  });

  it("ingests a run's last append when chokidar drops its change (within 50 ms of the change it reported)", async () => {
    const log = new EventLogWriter(paths.runsDir, RUN).start();
    let told = 0;
    let onTold = () => undefined as void;
    const changed = () => {
      told++;
      onTold();
    };
    live = new LiveIngest(db, paths, { changed, issue: () => undefined, warn: (m) => assert.fail(m) }, { notifyMs: 0 });
    live.start();
    await live.watching(); // appends before chokidar's initial scan ends are not reported
    await until(() => told > 0, 'the run_start ingested', 10_000); // its notification is not one of ours
    for (let round = 0; round < 3; round++) {
      const from = round * 20;
      // Resolved in the notification itself (polling would come too late for the window below).
      const reported = new Promise<void>((resolve) => (onTold = resolve));
      log.write(...points(from, from + 10));
      await reported;
      // Past the first look (15 ms) and inside chokidar's 50 ms window after the change it reported.
      await new Promise((r) => setTimeout(r, 25));
      log.write(...points(from + 10, from + 20));
      await until(() => pointCount() === from + 20, `the last append of round ${round} ingested`, 3_000);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('tells views of the first change after a quiet spell at once, not a throttle period later', async () => {
    const log = new EventLogWriter(paths.runsDir, RUN).start();
    let told = 0;
    // A throttle period far longer than the wait below: only a leading-edge notification can pass.
    live = new LiveIngest(db, paths, { changed: () => told++, issue: () => undefined, warn: (m) => assert.fail(m) }, { notifyMs: 3_600_000 });
    log.write(...points(0, 10));
    live.touch(RUN);
    await until(() => told === 1, 'the first notification', 10_000);
    // A second change inside the period waits for its end: still one notification.
    log.write(...points(10, 20));
    live.touch(RUN);
    await live.idle();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(told, 1);
  });

  it('ingests an append that follows the one before within a few milliseconds, with nothing after it', async function () {
    // chokidar reports no change that comes within 5 ms of the previous one. Each round appends
    // twice 2 ms apart and then nothing: the second append must still be ingested.
    this.timeout(60_000);
    const log = new EventLogWriter(paths.runsDir, RUN).start();
    live = new LiveIngest(db, paths, { changed: () => undefined, issue: () => undefined, warn: (m) => assert.fail(m) });
    live.start();
    await live.watching(); // appends before chokidar's initial scan ends are not reported
    let n = 0;
    for (let round = 0; round < 12; round++) {
      log.write(...points(n, n + 1));
      await new Promise((r) => setTimeout(r, 2));
      log.write(...points(n + 1, n + 2));
      n += 2;
      await until(() => pointCount() === n, `point ${n} of round ${round}`, 3_000);
    }
  });
});
