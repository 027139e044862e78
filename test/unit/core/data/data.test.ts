import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { openTable } from '../../../../src/core/data/open';
import { profileTable } from '../../../../src/core/data/profile';
import { TableError } from '../../../../src/core/data/table';
import { makeTempDir } from '../../../helpers/tmp';

describe('tabular readers and profiles', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());
  const file = (name: string, content: string | Uint8Array) => {
    const p = path.join(tmp.dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('pages through a CSV', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},"v ${i}, quoted"`).join('\n');
    const t = openTable(file('t.csv', `n,label\n${rows}\n`));
    const p1 = await t.readPage(3, 4);
    assert.deepEqual(p1.columns, ['n', 'label']);
    assert.deepEqual(
      p1.rows.map((r) => r[0]),
      ['3', '4', '5', '6'],
    );
    assert.equal(p1.rows[0]![1], 'v 3, quoted');
    assert.equal(p1.done, false);
    const p2 = await t.readPage(8, 5);
    assert.deepEqual([p2.rows.length, p2.done, p2.total], [2, true, 10]);
  });

  it('reads TSV and names blank or repeated headers', async () => {
    const t = openTable(file('t.tsv', 'a\ta\t\n1\t2\t3\n'));
    const p = await t.readPage(0, 10);
    assert.deepEqual(p.columns, ['a', 'a_2', 'column_3']);
    assert.deepEqual(p.rows, [['1', '2', '3']]);
  });

  it('names the file and line of a malformed CSV', async () => {
    const bad = file('bad.csv', 'a,b\n1,2\n3,4,5\n');
    await assert.rejects(openTable(bad).readPage(0, 10), (e: unknown) => {
      assert.ok(e instanceof TableError);
      assert.match(e.message, /bad\.csv: malformed CSV at line 3: a row has a different number of fields than the header/);
      assert.equal(e.line, 3);
      return true;
    });
    const quote = file('quote.csv', 'a,b\n1,2\n"3,4\n5,6\n');
    await assert.rejects(profileTable(openTable(quote)), /quote\.csv: malformed CSV at line \d+/);
  });

  it('reads JSONL with the union of keys, and names a bad line', async () => {
    const t = openTable(file('t.jsonl', '{"a":1,"b":"x"}\n\n{"c":true}\n'));
    const p = await t.readPage(0, 10);
    assert.deepEqual(p.columns, ['a', 'b', 'c']);
    assert.deepEqual(p.rows, [
      [1, 'x', null],
      [null, null, true],
    ]);
    await assert.rejects(openTable(file('bad.jsonl', '{"a":1}\n{"a":\n')).readPage(0, 10), /bad\.jsonl: line 2 is not valid JSON/);
    await assert.rejects(openTable(file('arr.jsonl', '[1,2]\n')).readPage(0, 10), /line 1 is not a JSON object/);
  });

  it('reads Parquet by row range, with its row count and schema from the footer', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: 25 }, (_, i) => i), type: 'INT32' },
        { name: 'score', data: Float64Array.from({ length: 25 }, (_, i) => i / 2), type: 'DOUBLE' },
        { name: 'name', data: Array.from({ length: 25 }, (_, i) => `n${i % 3}`), type: 'STRING' },
      ],
    });
    const t = openTable(file('t.parquet', new Uint8Array(buf)));
    assert.deepEqual(await t.quickInfo(), {
      rows: 25,
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'score', type: 'number' },
        { name: 'name', type: 'string' },
      ],
    });
    const p = await t.readPage(20, 10);
    assert.deepEqual(p.rows, [
      [20, 10, 'n2'],
      [21, 10.5, 'n0'],
      [22, 11, 'n1'],
      [23, 11.5, 'n2'],
      [24, 12, 'n0'],
    ]);
    assert.deepEqual([p.total, p.done], [25, true]);
    const prof = await profileTable(t);
    assert.equal(prof.rows, 25);
    assert.equal(prof.columns[0]!.type, 'integer');
    assert.equal(prof.columns[2]!.distinct, 3);
  });

  it('says clearly that a file is not valid Parquet', async () => {
    const bad = file('bad.parquet', 'PAR1 this is not parquet at all PAR1');
    await assert.rejects(openTable(bad).readPage(0, 5), /bad\.parquet: not a valid Parquet file/);
    assert.throws(() => openTable(file('x.xlsx', '')), /not a table this preview reads/);
  });

  it('profiles columns: types, missing, distinct, stats, histogram, top values', async () => {
    const csv = 'id,score,city,flag,empty\n1,0.5,Paris,true,\n2,1.5,Lyon,false,\n3,,Paris,true,\n4,2.5,Nice,TRUE,\n5,NA,Paris,false,\n';
    const p = await profileTable(openTable(file('p.csv', csv)), { histogramBins: 2 });
    assert.equal(p.rows, 5);
    const [id, score, city, flag, empty] = p.columns;
    assert.deepEqual([id!.type, id!.distinct, id!.min, id!.max], ['integer', 5, 1, 5]);
    const values = [0.5, 1.5, 2.5];
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    assert.deepEqual([score!.type, score!.count, score!.missing, score!.min, score!.max], ['number', 5, 2, 0.5, 2.5]);
    assert.ok(Math.abs(score!.mean! - mean) < 1e-12 && Math.abs(score!.std! - std) < 1e-12);
    assert.deepEqual(score!.histogram, { edges: [0.5, 1.5, 2.5], counts: [1, 2], sampled: false });
    assert.equal(city!.type, 'string');
    assert.deepEqual(city!.top, [
      { value: 'Paris', count: 3 },
      { value: 'Lyon', count: 1 },
      { value: 'Nice', count: 1 },
    ]);
    assert.equal(city!.top_approximate, false);
    assert.deepEqual([flag!.type, flag!.distinct], ['boolean', 2]);
    assert.deepEqual([empty!.type, empty!.missing], ['empty', 5]);
  });

  it('counts distinct values exactly up to the cap, then estimates and says so', async () => {
    const n = 20_000;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ k: `key-${i}`, small: i % 7 })).join('\n');
    const p = await profileTable(openTable(file('d.jsonl', lines)), { distinctCap: 1000 });
    const [k, small] = p.columns;
    assert.equal(k!.distinct_approximate, true);
    assert.ok(Math.abs(k!.distinct - n) / n < 0.05, `estimate ${k!.distinct}`);
    assert.deepEqual([small!.distinct, small!.distinct_approximate], [7, false]);
  });
});
