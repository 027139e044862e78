import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CsvTable, csvStats } from '../../../src/core/data/csv';
import { makeTempDir } from '../../helpers/tmp';

/** Issue 13, item 7: far pages of a large CSV preview must not re-parse the file from the start. */
describe('fault: far pages of a large CSV', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let file: string;
  const ROWS = 30_000;
  beforeEach(() => {
    tmp = makeTempDir();
    file = path.join(tmp.dir, 'big.csv');
    // Quoted fields with commas and newlines, and multi-byte text, so byte offsets are not trivial.
    const lines = ['id,text,"note, quoted"'];
    for (let i = 0; i < ROWS; i++) lines.push(i % 7 === 0 ? `${i},"é, ü\nline two",x${i}` : `${i},plain ✓,x${i}`);
    fs.writeFileSync(file, '\ufeff' + lines.join('\r\n') + '\r\n');
  });
  afterEach(() => tmp.cleanup());

  const expectRow = (i: number) => [String(i), i % 7 === 0 ? 'é, ü\nline two' : 'plain ✓', `x${i}`];

  it('answers a far page from remembered row offsets, with the same rows', async () => {
    const first = await new CsvTable(file, 'big.csv', 'csv').readPage(25_000, 50);
    assert.deepEqual(
      first.rows,
      Array.from({ length: 50 }, (_, k) => expectRow(25_000 + k)),
    );
    const before = csvStats.rowsParsed;
    // A new reader, as each preview request makes: the offsets are remembered per file.
    const again = await new CsvTable(file, 'big.csv', 'csv').readPage(27_123, 50);
    const parsed = csvStats.rowsParsed - before;
    assert.deepEqual(again.columns, ['id', 'text', 'note, quoted']);
    assert.deepEqual(
      again.rows,
      Array.from({ length: 50 }, (_, k) => expectRow(27_123 + k)),
    );
    assert.equal(again.offset, 27_123);
    assert.ok(parsed <= 6_000, `parsed ${parsed} rows for a page at row 27,123`);
    const last = await new CsvTable(file, 'big.csv', 'csv').readPage(29_990, 50);
    assert.equal(last.rows.length, 10);
    assert.equal(last.total, ROWS);
    assert.equal(last.done, true);
  });

  it('forgets the offsets when the file changes', async () => {
    await new CsvTable(file, 'big.csv', 'csv').readPage(25_000, 1);
    fs.writeFileSync(file, 'a,b\n' + Array.from({ length: 26_000 }, (_, i) => `${i},${i * 2}`).join('\n') + '\n');
    const t = new Date(Date.now() + 5000);
    fs.utimesSync(file, t, t);
    const page = await new CsvTable(file, 'big.csv', 'csv').readPage(25_000, 2);
    assert.deepEqual(page.columns, ['a', 'b']);
    assert.deepEqual(page.rows, [
      ['25000', '50000'],
      ['25001', '50002'],
    ]);
  });
});
