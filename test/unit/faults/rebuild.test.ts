import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSnapshot } from '../../../src/core/snapshots/create';
import { linkRunInput, listInputsOfRun, listRunsUsingSnapshot } from '../../../src/core/snapshots/lineage';
import { listDatasets, listSnapshots } from '../../../src/core/snapshots/store';
import { openStore, type Db } from '../../../src/core/store/database';
import { ingestWorkspace, rebuildStore } from '../../../src/core/ingest/workspaceIngest';
import { getMetricPoints, listExperiments, listRuns } from '../../../src/core/runs/queries';
import { ensureWorkspace } from '../../../src/core/workspace';
import { EventLogWriter } from '../../helpers/eventLog';
import { makeTempDir } from '../../helpers/tmp';

/** Everything a user can list, as one comparable value. */
function everyListing(db: Db): unknown {
  const runs = listRuns(db, { includeDeleted: true });
  const snapshots = listSnapshots(db);
  return {
    experiments: listExperiments(db),
    runs,
    points: runs.map((r) => Object.keys(r.metrics).map((k) => getMetricPoints(db, r.id, k))),
    snapshots,
    datasets: listDatasets(db),
    users: snapshots.map((s) => listRunsUsingSnapshot(db, s.id)),
    inputs: runs.map((r) => listInputsOfRun(db, r.id)),
    files: db.prepare('SELECT * FROM snapshot_files ORDER BY manifest, path').all(),
  };
}

/** Issue 13, item 3: a rebuild (or a lost store.db) reproduces runs, snapshots and lineage exactly. */
describe('fault: ingest --rebuild forgets nothing', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('reproduces every listing after a rebuild and after store.db is deleted', async () => {
    const paths = ensureWorkspace(path.join(tmp.dir, '.mlwb'));
    const data = path.join(tmp.dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'train.csv'), 'x\n1\n');
    fs.writeFileSync(path.join(data, 'test.csv'), 'x\n2\n');
    const A = '018f00000000aaaaaaaa';
    const B = '018f00000001bbbbbbbb';
    new EventLogWriter(paths.runsDir, A)
      .start({ params: { lr: '0.1' } })
      .write({ type: 'metric', ts: 1_700_000_000_001, key: 'loss', value: 1, step: 0 }, { type: 'input', ts: 1_700_000_000_002, path: data })
      .write({ type: 'edit', ts: 1_700_000_000_003, field: 'name', value: 'renamed' }, { type: 'run_end', ts: 1_700_000_000_004, status: 'finished' });
    new EventLogWriter(paths.runsDir, B).start().write({ type: 'edit', ts: 1_700_000_000_005, field: 'lifecycle', value: 'deleted' });
    let db = openStore(paths.storeFile);
    ingestWorkspace(db, paths);
    await createSnapshot(db, paths, data, { name: 'v1' });
    await linkRunInput(db, paths, A, data);
    fs.writeFileSync(path.join(data, 'train.csv'), 'x\n1\n3\n');
    await linkRunInput(db, paths, B, path.join(data, 'train.csv'));
    await createSnapshot(db, paths, path.join(data, 'test.csv'), { metadataOnly: true });
    const before = everyListing(db);
    db.close();
    assert.equal((before as { snapshots: unknown[] }).snapshots.length, 3);

    rebuildStore(paths);
    db = openStore(paths.storeFile);
    assert.deepEqual(everyListing(db), before);
    db.close();

    for (const f of fs.readdirSync(paths.root).filter((n) => n.startsWith('store.db'))) fs.rmSync(path.join(paths.root, f));
    rebuildStore(paths);
    db = openStore(paths.storeFile);
    assert.deepEqual(everyListing(db), before);
    db.close();
  });
});
