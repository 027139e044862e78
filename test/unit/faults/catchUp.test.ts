import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStore, type Db } from '../../../src/core/store/database';
import { catchUpWorkspace } from '../../../src/core/ingest/catchUp';
import { appendRunEdit } from '../../../src/core/runs/edits';
import { getRun, listRuns } from '../../../src/core/runs/queries';
import { ensureWorkspace, type WorkspacePaths } from '../../../src/core/workspace';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';

/**
 * Issue 13, item 5: read commands skip unchanged logs without visiting every run. The cheap path
 * must still see every change a user can make; each case below forces it (an old checkpoint).
 */
describe('fault: the cheap catch-up misses nothing', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let paths: WorkspacePaths;
  let db: Db;
  const ENDED = '018f00000000aaaaaaaa';
  const LIVE = '018f00000001bbbbbbbb';
  beforeEach(() => {
    tmp = makeTempDir();
    paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
    new EventLogWriter(paths.runsDir, ENDED).start().write({ type: 'run_end', ts: 1_700_000_000_009, status: 'finished' });
    new EventLogWriter(paths.runsDir, LIVE).start({ host: 'elsewhere' });
    db = openStore(paths.storeFile);
    settle();
  });
  afterEach(() => {
    db.close();
    tmp.cleanup();
  });

  /** Makes the runs folder's mtime old enough to be trusted, then takes a checkpoint. */
  function settle(): void {
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(paths.runsDir, old, old);
    catchUpWorkspace(db, paths);
    const cp = db.prepare(`SELECT value FROM ingest_checkpoint`).pluck().get() as string | undefined;
    assert.ok(cp, 'a checkpoint was saved');
  }

  /** Proves the cheap path is the one taken: a finished run's log changed behind its back stays unseen. */
  it('takes the cheap path when nothing changed (an ended run grown without an edit is not read)', () => {
    fs.appendFileSync(path.join(paths.runsDir, ENDED, 'events.jsonl'), JSON.stringify({ type: 'tags', ts: 1, tags: { sneaky: 'x' } }) + '\n');
    catchUpWorkspace(db, paths);
    assert.deepEqual(getRun(db, ENDED).tags, {});
  });

  it('sees a new run folder', () => {
    const NEW = '018f00000002cccccccc';
    new EventLogWriter(paths.runsDir, NEW).start();
    catchUpWorkspace(db, paths);
    assert.ok(listRuns(db).some((r) => r.id === NEW));
  });

  it('sees a running run grow', () => {
    new EventLogWriter(paths.runsDir, LIVE).write({ type: 'metric', ts: 1_700_000_000_002, key: 'loss', value: 3, step: 0 });
    catchUpWorkspace(db, paths);
    assert.equal(getRun(db, LIVE).metrics['loss']?.last, 3);
  });

  it('sees an edit of an ended run', () => {
    appendRunEdit(paths.runsDir, ENDED, { field: 'name', value: 'renamed' });
    catchUpWorkspace(db, paths);
    assert.equal(getRun(db, ENDED).name, 'renamed');
  });

  it('sees a run marked dead by the sweep come back to life', () => {
    db.prepare(`UPDATE runs SET status = 'killed', end_source = 'sweep' WHERE id = ?`).run(LIVE);
    settle();
    new EventLogWriter(paths.runsDir, LIVE).write({ type: 'heartbeat', ts: Date.now() });
    catchUpWorkspace(db, paths);
    assert.equal(getRun(db, LIVE).status, 'running');
  });

  it('sees a torn last line once it is completed', () => {
    new EventLogWriter(paths.runsDir, LIVE).raw('{"type":"metric","ts":1700000000003,"key":"acc","value":');
    catchUpWorkspace(db, paths);
    new EventLogWriter(paths.runsDir, LIVE).raw('0.5,"step":1}\n');
    catchUpWorkspace(db, paths);
    assert.equal(getRun(db, LIVE).metrics['acc']?.last, 0.5);
  });
});
