import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { diffManifests, diffSnapshots } from '../../../../src/core/snapshots/diff';
import { openSnapshotTable, snapshotTableDrift } from '../../../../src/core/snapshots/tables';
import { entry, manifest, put, type Ws, workspace } from './helpers';

describe('snapshot diff', () => {
  it('finds added, removed and modified paths (content or link target), ignoring stats', () => {
    const a = manifest(entry('keep', 'k'), entry('gone', 'g', 4), entry('edit', 'e1', 2), entry('l', 'x', 1, 't1'), entry('touched', 't'));
    const b = manifest(entry('keep', 'k'), entry('edit', 'e2', 3), entry('l', 'x', 1, 't2'), entry('new', 'n', 5), {
      ...entry('touched', 't'),
      mtime_ns: '99',
    });
    const d = diffManifests(a, b);
    assert.deepEqual([d.added, d.removed, d.modified], [['new'], ['gone'], ['edit', 'l']]);
    assert.deepEqual(
      d.files.find((f) => f.path === 'edit'),
      { path: 'edit', status: 'modified', size_a: 2, size_b: 3 },
    );
    assert.deepEqual(
      d.files.find((f) => f.path === 'gone'),
      { path: 'gone', status: 'removed', size_a: 4, size_b: null },
    );
  });

  it('does not count a change of mode alone (same content, other permission bits)', () => {
    const a = manifest(entry('script.sh', 's'), entry('data.csv', 'd'));
    const b = manifest({ ...entry('script.sh', 's'), mode: 0o755 }, { ...entry('data.csv', 'd'), mode: 0o600 });
    const d = diffManifests(a, b);
    assert.deepEqual([d.added, d.removed, d.modified, d.files], [[], [], [], []]);
  });

  describe('between stored snapshots', () => {
    let ws: Ws;
    let data: string;
    beforeEach(() => {
      ws = workspace();
      data = path.join(ws.dir, 'data');
    });
    afterEach(() => ws.cleanup());

    it('reports nothing between snapshots of a folder whose files were only chmod-ed', async () => {
      const file = put(data, 'train.sh', 'echo hi\n');
      put(data, 'x.csv', 'a\n1\n');
      const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data);
      fs.chmodSync(file, 0o755);
      const { snapshot: b } = await createSnapshot(ws.db, ws.paths, data);
      const d = await diffSnapshots(ws.db, ws.paths, a.id, b.id);
      assert.deepEqual([d.added, d.removed, d.modified], [[], [], []]);
    });

    it('reports row counts and schema changes of tabular files', async () => {
      put(data, 't.csv', 'id,score,name\n1,0.5,a\n2,1.5,b\n');
      put(data, 'events.jsonl', '{"a":1}\n');
      put(data, 'readme.md', 'v1');
      const pq = (n: number) =>
        Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'v', data: Float64Array.from({ length: n }, (_, i) => i), type: 'DOUBLE' }] }));
      put(data, 'p.parquet', pq(3));
      const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data);
      put(data, 't.csv', 'id,score,city\n1,high,x\n2,low,y\n3,mid,z\n', false);
      put(data, 'p.parquet', pq(7), false);
      fs.rmSync(path.join(data, 'events.jsonl'));
      put(data, 'new.tsv', 'a\tb\n1\t2\n', false);
      const { snapshot: b } = await createSnapshot(ws.db, ws.paths, data);
      const d = await diffSnapshots(ws.db, ws.paths, a.id, b.id);
      assert.deepEqual([d.added, d.removed, d.modified], [['new.tsv'], ['events.jsonl'], ['p.parquet', 't.csv']]);
      const t = new Map(d.tabular.map((x) => [x.path, x]));
      assert.deepEqual(t.get('t.csv'), {
        path: 't.csv',
        rows_a: 2,
        rows_b: 3,
        columns_added: ['city'],
        columns_removed: ['name'],
        type_changed: [{ column: 'score', from: 'number', to: 'string' }],
      });
      assert.deepEqual([t.get('p.parquet')!.rows_a, t.get('p.parquet')!.rows_b], [3, 7]);
      assert.deepEqual([t.get('new.tsv')!.rows_a, t.get('new.tsv')!.rows_b], [null, 1]);
      assert.deepEqual([t.get('events.jsonl')!.rows_a, t.get('events.jsonl')!.rows_b], [1, null]);
      assert.equal(t.has('readme.md'), false);
    });

    it('notes that a metadata-only snapshot has no content to compare', async () => {
      put(data, 't.csv', 'a\n1\n');
      const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data, { metadataOnly: true });
      put(data, 't.csv', 'a\n1\n2\n', false);
      const { snapshot: b } = await createSnapshot(ws.db, ws.paths, data, { metadataOnly: true });
      const d = await diffSnapshots(ws.db, ws.paths, a, b);
      assert.deepEqual(d.modified, ['t.csv']);
      assert.match(d.tabular[0]!.note!, /content not stored \(metadata-only snapshot\)/);
    });
  });
});

describe('tables inside snapshots', () => {
  let ws: Ws;
  beforeEach(() => (ws = workspace()));
  afterEach(() => ws.cleanup());

  it('previews a snapshot table and measures its drift between snapshots', async () => {
    const data = path.join(ws.dir, 'data');
    put(data, 't.csv', ['v,c', ...Array.from({ length: 50 }, (_, i) => `${i},a`)].join('\n'));
    const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data);
    put(data, 't.csv', ['v,c', ...Array.from({ length: 50 }, (_, i) => `${i + 100},${i % 2 ? 'a' : 'b'}`)].join('\n'), false);
    const { snapshot: b } = await createSnapshot(ws.db, ws.paths, data);
    const page = await openSnapshotTable(ws.db, ws.paths, a.id, 't.csv').readPage(0, 2);
    assert.deepEqual(page.rows, [
      ['0', 'a'],
      ['1', 'a'],
    ]);
    const d = await snapshotTableDrift(ws.db, ws.paths, a.id, b.id, 't.csv');
    // Worked out by hand rather than read back from the output: c goes from {a: 1} to {a: ½, b: ½},
    // whose mixture is {a: ¾, b: ¼}; the Jensen–Shannon divergence (base 2) is the mixture's entropy
    // minus the mean of the two entropies, H(¾, ¼) − (0 + 1)/2 ≈ 0.3113, and the distance its root.
    // v's two samples do not overlap at all, so its score is the largest there is, 1.
    const h = (...ps: number[]) => -ps.reduce((sum, p) => sum + p * Math.log2(p), 0);
    const expectedC = Math.sqrt(h(0.75, 0.25) - (0 + 1) / 2);
    assert.deepEqual(
      d.columns.map((c) => c.column),
      ['v', 'c'],
    );
    assert.equal(d.columns[0]!.score, 1);
    assert.ok(Math.abs(d.columns[1]!.score - expectedC) < 1e-9, `c drifts by ${d.columns[1]!.score}, expected ${expectedC} (≈ 0.5579)`);
    assert.throws(() => openSnapshotTable(ws.db, ws.paths, a.id, 'nope.csv'), /has no file nope\.csv/);
  });
});
