import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { linkRunInput, listInputsOfRun, listRunsUsingSnapshot } from '../../../../src/core/snapshots/lineage';
import { loadManifest } from '../../../../src/core/snapshots/manifest';
import { datasetStatus } from '../../../../src/core/snapshots/status';
import { listDatasets, listSnapshots, rebuildSnapshotIndex, resolveSnapshot } from '../../../../src/core/snapshots/store';
import { openStore } from '../../../../src/core/store/database';
import { seedRuns } from '../../../helpers/seed';
import { put, type Ws, workspace } from './helpers';

describe('snapshot lineage and store', () => {
  let ws: Ws;
  let data: string;
  beforeEach(() => {
    ws = workspace();
    data = path.join(ws.dir, 'data');
    put(data, 'train.csv', 'x\n1\n');
    put(data, 'test.csv', 'x\n2\n');
    seedRuns(ws.db, [{ id: 'run1', name: 'baseline' }, { id: 'run2' }, { id: 'run3' }]);
  });
  afterEach(() => ws.cleanup());

  it('snapshots an input with no snapshot, then reuses it while the content is unchanged', async () => {
    const first = await linkRunInput(ws.db, ws.paths, 'run1', path.join(data, 'train.csv'));
    assert.equal(first.created, true);
    assert.equal(first.path, 'data/train.csv');
    const second = await linkRunInput(ws.db, ws.paths, 'run2', 'data/train.csv');
    assert.equal(second.created, false);
    assert.equal(second.snapshot.id, first.snapshot.id);
    fs.writeFileSync(path.join(data, 'train.csv'), 'x\n1\n3\n');
    const third = await linkRunInput(ws.db, ws.paths, 'run3', 'data/train.csv');
    assert.equal(third.created, true);
    assert.notEqual(third.snapshot.id, first.snapshot.id);
    const users = listRunsUsingSnapshot(ws.db, first.snapshot.id).map((r) => [r.run_id, r.run_name, r.path]);
    assert.deepEqual(users.sort(), [
      ['run1', 'baseline', 'data/train.csv'],
      ['run2', 'run2', 'data/train.csv'],
    ]);
    assert.deepEqual(
      listInputsOfRun(ws.db, 'run3').map((i) => [i.path, i.snapshot.id]),
      [['data/train.csv', third.snapshot.id]],
    );
  });

  it('links a file to the snapshot of its enclosing folder when the content matches', async () => {
    const { snapshot: folder } = await createSnapshot(ws.db, ws.paths, data);
    const r = await linkRunInput(ws.db, ws.paths, 'run1', path.join(data, 'test.csv'));
    assert.equal(r.created, false);
    assert.equal(r.snapshot.id, folder.id);
    // Touched but same bytes: found by hash.
    const t = new Date();
    fs.utimesSync(path.join(data, 'test.csv'), t, t);
    assert.equal((await linkRunInput(ws.db, ws.paths, 'run2', 'data/test.csv')).snapshot.id, folder.id);
    // Different bytes: a snapshot of the file itself.
    fs.writeFileSync(path.join(data, 'test.csv'), 'x\n99\n');
    const own = await linkRunInput(ws.db, ws.paths, 'run3', 'data/test.csv');
    assert.equal(own.created, true);
    assert.equal(own.snapshot.dataset, 'data/test.csv');
  });

  it('fails clearly for an input that does not exist', async () => {
    await assert.rejects(linkRunInput(ws.db, ws.paths, 'run1', 'data/none.csv'), /does not exist now/);
  });

  it('resolves ids, prefixes, names and <dataset>@latest', async () => {
    const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data, { name: 'first' });
    fs.writeFileSync(path.join(data, 'new.csv'), 'x\n');
    const { snapshot: b } = await createSnapshot(ws.db, ws.paths, data);
    assert.equal(resolveSnapshot(ws.db, a.id).id, a.id);
    assert.equal(resolveSnapshot(ws.db, b.id.slice(0, 16)).id, b.id);
    assert.equal(resolveSnapshot(ws.db, 'first').id, a.id);
    assert.equal(resolveSnapshot(ws.db, 'data@latest').id, b.id);
    assert.equal(resolveSnapshot(ws.db, 'data/@latest').id, b.id);
    assert.throws(() => resolveSnapshot(ws.db, 'zzz'), /No snapshot "zzz"/);
    assert.deepEqual(
      listDatasets(ws.db).map((d) => [d.dataset, d.snapshots, d.latest.id]),
      [['data', 2, b.id]],
    );
  });

  it('rebuilds the snapshot table from .mlwb/snapshots/*.json', async () => {
    const { snapshot } = await createSnapshot(ws.db, ws.paths, data);
    fs.rmSync(ws.paths.storeFile);
    const db = openStore(ws.paths.storeFile);
    try {
      const added = rebuildSnapshotIndex(db, ws.paths, (m) => loadManifest(ws.paths.objectsDir, m).entries);
      assert.equal(added, 1);
      assert.deepEqual(listSnapshots(db), [snapshot]);
    } finally {
      db.close();
    }
  });

  it('tells whether a dataset changed since its last snapshot, from stats alone', async () => {
    assert.equal((await datasetStatus(ws.db, ws.paths, 'data')).modified, true);
    await createSnapshot(ws.db, ws.paths, data);
    assert.equal((await datasetStatus(ws.db, ws.paths, 'data')).modified, false);
    fs.writeFileSync(path.join(data, 'train.csv'), 'changed');
    fs.rmSync(path.join(data, 'test.csv'));
    put(data, 'extra.csv', 'x');
    const s = await datasetStatus(ws.db, ws.paths, 'data');
    assert.deepEqual([s.modified, s.added, s.removed, s.changed], [true, ['extra.csv'], ['test.csv'], ['train.csv']]);
  });
});
