import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { newSnapshotId, snapshotIdTime } from '../../../../src/core/snapshots/snapshotId';
import { listSnapshots, resolveSnapshot } from '../../../../src/core/snapshots/store';
import { put, type Ws, workspace } from './helpers';

/** Issue 21: `data@latest` was a coin toss between two snapshots made in the same millisecond. */
describe('snapshot ids: order of creation, even within one millisecond', () => {
  let ws: Ws;
  beforeEach(() => (ws = workspace()));
  afterEach(() => ws.cleanup());

  it('makes each new snapshot data@latest when every one is taken in the same millisecond', async () => {
    const data = path.join(ws.dir, 'data');
    const sameMs = () => 1_750_000_000_000;
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      put(data, 'a.csv', `x\n${i}\n`);
      const { snapshot } = await createSnapshot(ws.db, ws.paths, data, { now: sameMs });
      made.push(snapshot.id);
      assert.equal(resolveSnapshot(ws.db, 'data@latest').id, snapshot.id, `snapshot ${i} is the latest`);
    }
    assert.deepEqual(
      listSnapshots(ws.db, { dataset: 'data' }).map((s) => s.id),
      [...made].reverse(),
      'listed newest first, in the order they were made',
    );
  });

  it('orders after an id of the same millisecond that another process already stored', () => {
    const t = 1_750_000_000_123;
    const stored = snapshotIdTime(t) + 'fffffff0'; // above any random low digits this process would draw
    const id = newSnapshotId(t, stored);
    assert.ok(id > stored, `${id} sorts after ${stored}`);
    assert.ok(id.startsWith(snapshotIdTime(t)), 'and keeps the millisecond it was made in');
  });

  it('keeps the time digits when the millisecond changes (ids sort by time, like run ids)', () => {
    const a = newSnapshotId(1_750_000_001_000);
    const b = newSnapshotId(1_750_000_000_999, a.slice(0, 12) + 'ffffffff'); // another ms's id is no floor
    assert.equal(b.slice(0, 12), snapshotIdTime(1_750_000_000_999));
    assert.match(a, /^[0-9a-f]{20}$/);
    assert.match(b, /^[0-9a-f]{20}$/);
  });
});
