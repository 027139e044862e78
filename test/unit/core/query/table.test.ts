import { strict as assert } from 'node:assert';
import { openStore, type Db } from '../../../../src/core/store/database';
import { type ColumnInfo, runsTable } from '../../../../src/core/query/table';
import { seedRuns, type SeedRun } from '../../../helpers/seed';

describe('runsTable', () => {
  let db: Db;
  beforeEach(() => {
    db = openStore(':memory:');
    seedRuns(db, [
      {
        id: 'a',
        experiment: 'x',
        start: 1000,
        params: { opt: 'adam', same: '1', 'odd key': 'v' },
        tags: { t: 'x' },
        metrics: { loss: [0.5], const: [1], nan: [NaN] },
      },
      { id: 'b', experiment: 'x', start: 2000, params: { opt: 'sgd', same: '1' }, metrics: { loss: [0.3], const: [1], nan: [NaN] } },
      { id: 'c', experiment: 'x', start: 3000, params: { opt: 'adam', same: '1' }, metrics: { loss: [0.4], const: [1], nan: [2] } },
    ]);
  });
  afterEach(() => db.close());

  const byId = (cols: ColumnInfo[] | undefined) => Object.fromEntries(cols!.map((c) => [c.id, c]));

  it('describes every column with run counts and whether values differ', () => {
    const t = runsTable(db, { orderBy: 'metrics.loss' });
    const cols = byId(t.catalogue);
    assert.deepEqual(
      t.catalogue!.map((c) => c.id),
      [
        'id',
        'name',
        'experiment',
        'status',
        'start_time',
        'end_time',
        'duration',
        'params.`odd key`',
        'params.opt',
        'params.same',
        'metrics.const',
        'metrics.loss',
        'metrics.nan',
        'tags.t',
      ],
    );
    assert.deepEqual(Object.fromEntries(Object.entries(cols).map(([id, c]) => [id, [c.count, c.differs]])), {
      id: [3, true],
      name: [3, true],
      experiment: [3, false],
      status: [3, false],
      start_time: [3, true],
      end_time: [3, true],
      duration: [3, false],
      'params.`odd key`': [1, true],
      'params.opt': [3, true],
      'params.same': [3, false],
      'metrics.const': [3, false],
      'metrics.loss': [3, true],
      'metrics.nan': [3, true],
      'tags.t': [1, true],
    });
    assert.deepEqual([cols['metrics.loss']!.type, cols['params.opt']!.type, cols['start_time']!.type], ['number', 'text', 'number']);
  });

  it('returns one page of cells per column, in the requested order', () => {
    const t = runsTable(db, { orderBy: 'metrics.loss', limit: 2 });
    assert.equal(t.total, 3);
    assert.deepEqual(t.ids, ['b', 'c']);
    assert.deepEqual(t.cells['metrics.loss'], [0.3, 0.4]);
    assert.deepEqual(t.cells['metrics.nan'], ['NaN', 2]);
    assert.deepEqual(t.cells['params.`odd key`'], [null, null]);
    assert.deepEqual(t.cells['start_time'], [2000, 3000]);
    assert.deepEqual(t.cells['duration'], [1000, 1000]);
    const columns = ['name', 'params.opt', 'params.`odd key`', 'metrics.loss', 'tags.absent', 'not a column'];
    const next = runsTable(db, { orderBy: 'metrics.loss', limit: 2, offset: 2, catalogue: false, columns });
    assert.equal(next.catalogue, undefined);
    assert.deepEqual(next.ids, ['a']);
    assert.deepEqual(next.cells, {
      name: ['a'],
      'params.opt': ['adam'],
      'params.`odd key`': ['v'],
      'metrics.loss': [0.5],
      'tags.absent': [null],
      'not a column': [null],
    });
  });

  it('describes only the runs the filter keeps', () => {
    const t = runsTable(db, { filter: `params.opt = 'adam'` });
    const cols = byId(t.catalogue);
    assert.equal(t.total, 2);
    assert.deepEqual([cols['params.opt']!.differs, cols['metrics.loss']!.differs, cols['params.`odd key`']!.count], [false, true, 1]);
    assert.deepEqual(t.ids, ['c', 'a']);
  });

  it('holds the metric summary the view asks for', () => {
    const t = runsTable(db, { metricAggregate: 'max', runIds: ['a'] });
    assert.deepEqual(t.cells['metrics.loss'], [0.5]);
    assert.throws(() => runsTable(db, { metricAggregate: 'median' as never }), /Unknown metric summary/);
  });

  it('gives the same catalogue whichever route computes it (all runs, few, most)', () => {
    db.close();
    db = openStore(':memory:');
    const runs: SeedRun[] = [];
    for (let i = 0; i < 40; i++) {
      const params: Record<string, string> = { opt: ['adam', 'sgd'][i % 2]!, fixed: 'k', lr: String(i % 5) };
      if (i % 3 === 0) params['sparse'] = String(i % 2);
      const metrics: Record<string, number[]> = { loss: [i % 7 === 0 ? NaN : i / 10], one: [1] };
      if (i % 4 === 0) metrics['rare'] = [5];
      runs.push({ id: `r${String(i).padStart(2, '0')}`, start: i * 1000, params, metrics, tags: i % 5 === 0 ? { g: String(i % 2) } : {} });
    }
    seedRuns(db, runs);
    // Every run: the fast route. The same runs named explicitly: the "most runs" route.
    const all = runsTable(db, {}).catalogue!;
    assert.deepEqual(runsTable(db, { runIds: runs.map((r) => r.id) }).catalogue, all);
    // Compare the scoped routes against a brute-force computation over the selected runs.
    for (const filter of [
      'params.opt = "adam"',
      'params.lr IN ("1", "2")',
      'metrics.loss > 0.5',
      'params.lr != "0"',
      'params.lr = "3" and params.opt = "sgd"',
    ]) {
      const t = runsTable(db, { filter, limit: 1000 });
      const expected = bruteForce(t.ids.map((id) => runs.find((r) => r.id === id)!));
      const got = t.catalogue!.filter((c) => c.kind !== 'attribute').map((c) => [c.id, c.count, c.differs]);
      assert.deepEqual(got, expected, filter);
    }
  });
});

/** Catalogue rows (params, metrics, tags) computed the obvious way. */
function bruteForce(runs: SeedRun[]): [string, number, boolean][] {
  const out: [string, number, boolean][] = [];
  const group = (prefix: string, values: (r: SeedRun) => Record<string, string | number> | undefined) => {
    const keys = [...new Set(runs.flatMap((r) => Object.keys(values(r) ?? {})))].sort();
    for (const k of keys) {
      const present = runs.map((r) => values(r)?.[k]).filter((v) => v !== undefined);
      const distinct = new Set(present.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : String(v))));
      out.push([`${prefix}.${k}`, present.length, present.length < runs.length || distinct.size > 1]);
    }
  };
  group('params', (r) => r.params);
  group('metrics', (r) => Object.fromEntries(Object.entries(r.metrics ?? {}).map(([k, v]) => [k, v[v.length - 1]!])));
  group('tags', (r) => r.tags);
  return out;
}
