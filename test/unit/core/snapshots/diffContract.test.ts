import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createSnapshot } from '../../../../src/core/snapshots/create';
import { diffManifests, diffSnapshots } from '../../../../src/core/snapshots/diff';
import { loadManifest } from '../../../../src/core/snapshots/manifest';
import { objectPath } from '../../../../src/core/snapshots/objects';
import { entry, manifest, put, type Ws, workspace } from './helpers';

/** Issue 21 (mutation testing of diff.ts): the order of the lists, and each reason a table is not compared. */
describe('snapshot diff: order and the notes on tables it cannot compare', () => {
  it('lists every change sorted by path, whatever side it came from', () => {
    const a = manifest(entry('m/2', 'x'), entry('d', 'x'), entry('b', 'x'), entry('k', 'x'));
    const b = manifest(entry('m/2', 'y'), entry('k', 'y'), entry('z', 'x'), entry('a', 'x'), entry('c', 'x'));
    const d = diffManifests(a, b);
    assert.deepEqual(
      d.files.map((f) => `${f.status} ${f.path}`),
      ['added a', 'removed b', 'added c', 'removed d', 'modified k', 'modified m/2', 'added z'],
    );
    assert.deepEqual(
      [d.added, d.removed, d.modified],
      [
        ['a', 'c', 'z'],
        ['b', 'd'],
        ['k', 'm/2'],
      ],
    );
  });

  describe('between stored snapshots', () => {
    let ws: Ws;
    let data: string;
    beforeEach(() => {
      ws = workspace();
      data = path.join(ws.dir, 'data');
    });
    afterEach(() => ws.cleanup());

    async function twoSnapshots(first: Record<string, string | Buffer>, second: Record<string, string | Buffer>) {
      for (const [f, c] of Object.entries(first)) put(data, f, c);
      const { snapshot: a } = await createSnapshot(ws.db, ws.paths, data);
      for (const [f, c] of Object.entries(second)) put(data, f, c, false);
      const { snapshot: b } = await createSnapshot(ws.db, ws.paths, data);
      return { a, b };
    }

    it('compares no tables when asked not to, and never a file that is not a table', async () => {
      const { a, b } = await twoSnapshots({ 't.csv': 'x\n1\n', 'notes.md': 'v1' }, { 't.csv': 'x\n1\n2\n', 'notes.md': 'v2' });
      const full = await diffSnapshots(ws.db, ws.paths, a.id, b.id);
      assert.deepEqual(full.modified, ['notes.md', 't.csv']);
      assert.deepEqual(
        full.tabular.map((t) => t.path),
        ['t.csv'],
      );
      const lean = await diffSnapshots(ws.db, ws.paths, a.id, b.id, { tabular: false });
      assert.deepEqual(lean.modified, ['notes.md', 't.csv']);
      assert.deepEqual(lean.tabular, []);
    });

    it('notes a table larger than maxTabularBytes and leaves its schema empty; Parquet is read regardless (footer only)', async () => {
      const pq = (n: number) =>
        Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'v', data: Float64Array.from({ length: n }, (_, i) => i), type: 'DOUBLE' }] }));
      const big = 'x,y\n' + '1,2\n'.repeat(50);
      const { a, b } = await twoSnapshots({ 't.csv': big, 'p.parquet': pq(3) }, { 't.csv': big + '3,4\n', 'p.parquet': pq(5) });
      const d = await diffSnapshots(ws.db, ws.paths, a.id, b.id, { maxTabularBytes: 100 });
      const t = d.tabular.find((x) => x.path === 't.csv')!;
      assert.deepEqual([t.rows_a, t.rows_b, t.columns_added, t.columns_removed, t.type_changed], [null, null, [], [], []]);
      assert.equal(t.note, `t.csv in snapshot ${a.id}: larger than 100 bytes, not read; t.csv in snapshot ${b.id}: larger than 100 bytes, not read`);
      const p = d.tabular.find((x) => x.path === 'p.parquet')!;
      assert.deepEqual([p.rows_a, p.rows_b, p.note], [3, 5, undefined]);
      const exact = await diffSnapshots(ws.db, ws.paths, a.id, b.id, { maxTabularBytes: big.length });
      assert.equal(exact.tabular.find((x) => x.path === 't.csv')!.rows_a, 50, 'a table of exactly maxTabularBytes is read');
    });

    it('reads a table of a few hundred KB by default, and notes one it cannot parse with the parser’s message', async () => {
      const rows = (n: number) => 'id,text\n' + Array.from({ length: n }, (_, i) => `${i},${'w'.repeat(40)}`).join('\n') + '\n';
      const { a, b } = await twoSnapshots(
        { 'big.csv': rows(8000), 'bad.parquet': 'not parquet at all' },
        { 'big.csv': rows(8001), 'bad.parquet': 'still not parquet' },
      );
      assert.ok(rows(8000).length > 300 * 1024, 'over 300 KB');
      const d = await diffSnapshots(ws.db, ws.paths, a.id, b.id);
      const big = d.tabular.find((x) => x.path === 'big.csv')!;
      assert.deepEqual([big.rows_a, big.rows_b, big.note], [8000, 8001, undefined]);
      const bad = d.tabular.find((x) => x.path === 'bad.parquet')!;
      assert.deepEqual([bad.rows_a, bad.rows_b], [null, null]);
      assert.match(bad.note ?? '', /\S/);
      assert.equal(bad.note!.split('; ').length, 2, `one message per side: ${bad.note}`);
    });

    it('notes a table whose stored object is missing, on the side where it is missing', async () => {
      const { a, b } = await twoSnapshots({ 't.csv': 'x\n1\n' }, { 't.csv': 'x\n1\n2\n' });
      const sha = loadManifest(ws.paths.objectsDir, b.manifest).entries[0]!.sha256;
      fs.rmSync(objectPath(ws.paths.objectsDir, sha));
      const d = await diffSnapshots(ws.db, ws.paths, a.id, b.id);
      assert.deepEqual([d.tabular[0]!.rows_a, d.tabular[0]!.rows_b], [1, null]);
      assert.equal(d.tabular[0]!.note, `t.csv in snapshot ${b.id}: object missing`);
    });
  });
});
