import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { LiveIngest } from '../../../src/backend/liveIngest';
import { openStore, type Db } from '../../../src/core/store/database';
import { ensureWorkspace, type WorkspacePaths } from '../../../src/core/workspace';
import { EventLogWriter } from '../../helpers/eventLog';
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
    db.close();
    tmp.cleanup();
  });

  it('extends the chart tiles of a long series as its points are ingested, not only when idle', async () => {
    const log = new EventLogWriter(paths.runsDir, RUN).start();
    const tileCount = () => db.prepare('SELECT count FROM metric_tile_state').pluck().get() as number | undefined;
    live = new LiveIngest(db, paths, { changed: () => undefined, issue: () => undefined, warn: (m) => assert.fail(m) });
    for (const [from, to] of [
      [0, 5000],
      [5000, 9000],
    ] as const) {
      const points = [];
      for (let i = from; i < to; i++) points.push({ type: 'metric', ts: 1_700_000_000_000 + i, key: 'loss', value: 1 / (i + 1), step: i });
      log.write(...points);
      live.touch(RUN);
      // idle() resolves within a few ms of the ingest finishing; the idle tile pass waits 200 ms.
      // So tiles current here were built by ingest itself.
      await live.idle();
      assert.equal(tileCount(), to);
    }
  });
});
