import { strict as assert } from 'node:assert';
import { openStore, type Db } from '../../../../src/core/store/database';
import { queryRuns } from '../../../../src/core/query/runs';
import { FilterSyntaxError } from '../../../../src/core/query/syntaxError';
import { seedRuns } from '../../../helpers/seed';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

describe('queryRuns', () => {
  let db: Db;
  beforeEach(() => {
    db = openStore(':memory:');
    seedRuns(db, [
      {
        id: 'a',
        experiment: 'mnist',
        name: 'adam-small',
        start: T0,
        params: { optimizer: 'adam', lr: '0.01', layers: '2' },
        tags: { team: 'Vision' },
        metrics: { loss: [1, 0.2], acc: [0.5, 0.9] },
      },
      {
        id: 'b',
        experiment: 'mnist',
        name: 'sgd-big',
        start: T0 + DAY,
        params: { optimizer: 'sgd', lr: '1e-1', layers: '10' },
        tags: { team: 'vision' },
        metrics: { loss: [1, 0.5], acc: [0.4, NaN] },
      },
      {
        id: 'c',
        experiment: 'mnist',
        name: 'Adam-big',
        start: T0 + 2 * DAY,
        status: 'failed',
        params: { optimizer: 'adam', lr: '0.001', layers: 'deep' },
        metrics: { loss: [0.1, NaN] },
      },
      {
        id: 'd',
        experiment: 'cifar',
        name: 'running',
        start: T0 + 3 * DAY,
        status: 'running',
        end: null,
        params: { optimizer: 'adamw', 'batch size': '32' },
        metrics: { 'val loss': [0.3] },
      },
      { id: 'e', experiment: 'cifar', name: 'no-metrics', start: T0 + 4 * DAY, params: { optimizer: "it's" } },
    ]);
  });
  afterEach(() => db.close());

  const ids = (filter?: string, orderBy?: string | string[]) => queryRuns(db, { filter, orderBy }).runs.map((r) => r.id);

  it('filters with MLflow semantics: metrics by their last value, params as text', () => {
    assert.deepEqual(ids(`metrics.loss < 0.3 and params.optimizer = 'adam'`), ['a']);
    assert.deepEqual(ids(`metrics.loss <= 0.5`), ['b', 'a']);
    assert.deepEqual(ids(`params.optimizer != 'adam'`), ['e', 'd', 'b']);
    assert.deepEqual(ids(`metrics.acc > 0`), ['a'], 'the NaN last value of b matches no comparison');
    assert.deepEqual(ids(`metrics.acc != 0.9`), [], 'NaN is not "different" either, and runs without acc never match');
  });

  it('never matches NaN, even with != or NOT IN', () => {
    assert.deepEqual(ids('metrics.loss != 0'), ['b', 'a']);
    assert.deepEqual(ids('metrics.loss NOT IN (0.2)'), ['b']);
    assert.deepEqual(ids('metrics.loss IN (0.2, 0.5)'), ['b', 'a']);
  });

  it('compares params numerically against a number literal (an extension)', () => {
    assert.deepEqual(ids('params.lr < 0.05'), ['c', 'a']);
    assert.deepEqual(ids('params.lr = 0.1'), ['b'], "'1e-1' is the number 0.1");
    assert.deepEqual(ids(`params.lr = '0.1'`), [], 'a string literal compares text');
    assert.deepEqual(ids('params.layers > 1'), ['b', 'a'], "'deep' is not a number and matches nothing");
    assert.deepEqual(ids('params.layers NOT IN (2, 10)'), ['c']);
  });

  it('LIKE is case-sensitive and ILIKE is not; GLOB characters are literal', () => {
    assert.deepEqual(ids(`name LIKE 'adam%'`), ['a']);
    assert.deepEqual(ids(`name ILIKE 'adam%'`), ['c', 'a']);
    assert.deepEqual(ids(`tags.team LIKE 'v_sion'`), ['b']);
    assert.deepEqual(ids(`name LIKE '%-big'`), ['c', 'b']);
    assert.deepEqual(ids(`name LIKE '*'`), []);
  });

  it('supports IN, IS NULL, OR and parentheses', () => {
    assert.deepEqual(ids(`run_id IN ('a', 'c', 'zzz')`), ['c', 'a']);
    assert.deepEqual(ids(`params.optimizer NOT IN ('adam', 'sgd')`), ['e', 'd']);
    assert.deepEqual(ids('metrics.loss IS NULL'), ['e', 'd']);
    assert.deepEqual(ids('tags.team IS NOT NULL'), ['b', 'a']);
    assert.deepEqual(ids('end_time IS NULL'), ['d']);
    assert.deepEqual(ids(`(params.optimizer = 'sgd' or metrics.loss < 0.3) and status = 'finished'`), ['b', 'a']);
    assert.deepEqual(ids(`params.optimizer = 'sgd' or metrics.loss < 0.3 and status = 'finished'`), ['b', 'a']);
  });

  it('matches statuses in either case, and times as epoch ms or dates', () => {
    assert.deepEqual(ids(`status = 'FAILED'`), ['c']);
    assert.deepEqual(ids(`attributes.status IN ('RUNNING', 'failed')`), ['d', 'c']);
    assert.deepEqual(ids(`start_time >= ${T0 + 3 * DAY}`), ['e', 'd']);
    assert.deepEqual(ids(`start_time < '2026-01-02T12:00:00Z'`), ['b', 'a']);
    assert.deepEqual(ids(`experiment = 'cifar' and duration > 0`), ['e']);
  });

  it('handles keys with special characters and values with quotes, as bound parameters', () => {
    assert.deepEqual(ids('metrics."val loss" < 1'), ['d']);
    assert.deepEqual(ids('params.`batch size` = 32'), ['d']);
    assert.deepEqual(ids(`params.optimizer = 'it''s'`), ['e']);
    assert.deepEqual(ids(`params.optimizer = "x' OR 1=1 --"`), []);
    assert.equal(db.prepare('SELECT count(*) FROM runs').pluck().get() as number, 5);
  });

  it('orders by metrics, params and attributes with missing values last', () => {
    assert.deepEqual(ids(undefined, 'metrics.loss ASC'), ['a', 'b', 'e', 'd', 'c'], 'c (NaN) and runs without loss go last, newest first');
    assert.deepEqual(ids(undefined, 'metrics.loss DESC'), ['b', 'a', 'e', 'd', 'c']);
    assert.deepEqual(ids(undefined, 'params.lr ASC'), ['c', 'a', 'b', 'e', 'd'], 'numbers by value: 0.001 < 0.01 < 1e-1');
    assert.deepEqual(ids(undefined, 'params.layers DESC'), ['b', 'a', 'c', 'e', 'd'], 'numbers first, then text');
    assert.deepEqual(ids(undefined, ['params.optimizer', 'start_time DESC']), ['c', 'a', 'd', 'e', 'b']);
    assert.deepEqual(ids(undefined, 'end_time DESC'), ['e', 'c', 'b', 'a', 'd'], 'a running run has no end and goes last');
    assert.deepEqual(ids(undefined, 'name'), ['c', 'a', 'e', 'd', 'b']);
  });

  it('pages with a stable order and reports the total', () => {
    const all = queryRuns(db, { orderBy: 'metrics.loss' }).runs.map((r) => r.id);
    const page1 = queryRuns(db, { orderBy: 'metrics.loss', limit: 2 });
    const page2 = queryRuns(db, { orderBy: 'metrics.loss', limit: 2, offset: 2 });
    const past = queryRuns(db, { orderBy: 'metrics.loss', limit: 2, offset: 10 });
    assert.deepEqual(
      [...page1.runs, ...page2.runs].map((r) => r.id),
      all.slice(0, 4),
    );
    assert.deepEqual([page1.total, page2.total, past.total, past.runs.length], [5, 5, 5, 0]);
    assert.equal(queryRuns(db, { filter: 'metrics.loss < 0', limit: 2 }).total, 0);
    assert.deepEqual([queryRuns(db, { limit: 0 }).total, queryRuns(db, { limit: 0 }).runs], [5, []], 'a count alone');
  });

  it('returns the contract run shape with details', () => {
    const [a] = queryRuns(db, { filter: `run_id = 'a'` }).runs;
    assert.deepEqual(a!.params, { optimizer: 'adam', lr: '0.01', layers: '2' });
    assert.deepEqual(a!.tags, { team: 'Vision' });
    assert.deepEqual(a!.metrics['loss'], { last: 0.2, min: 0.2, max: 1, count: 2, last_step: 1 });
    assert.equal(a!.start_time, new Date(T0).toISOString());
  });

  it('restricts by experiment, run ids and lifecycle', () => {
    assert.deepEqual(
      queryRuns(db, { experimentNames: ['cifar'] }).runs.map((r) => r.id),
      ['e', 'd'],
    );
    const cifar = db.prepare(`SELECT id FROM experiments WHERE name = 'cifar'`).pluck().get() as number;
    assert.deepEqual(
      queryRuns(db, { experimentIds: [cifar], filter: 'params.optimizer LIKE "a%"' }).runs.map((r) => r.id),
      ['d'],
    );
    assert.deepEqual(
      queryRuns(db, { runIds: ['a', 'e', 'nope'] }).runs.map((r) => r.id),
      ['e', 'a'],
    );
    db.prepare(`UPDATE runs SET lifecycle = 'deleted' WHERE id = 'e'`).run();
    assert.deepEqual(
      queryRuns(db, { experimentNames: ['cifar'] }).runs.map((r) => r.id),
      ['d'],
    );
    assert.deepEqual(
      queryRuns(db, { experimentNames: ['cifar'], includeDeleted: true }).runs.map((r) => r.id),
      ['e', 'd'],
    );
  });

  it('throws FilterSyntaxError for bad expressions and rejects bad paging', () => {
    assert.throws(
      () => queryRuns(db, { filter: 'metrics.loss 0.3' }),
      (e: unknown) => e instanceof FilterSyntaxError && e.column === 14,
    );
    assert.throws(() => queryRuns(db, { orderBy: 'metrics.loss up' }), FilterSyntaxError);
    assert.throws(() => queryRuns(db, { limit: -1 }), /non-negative/);
    assert.throws(() => queryRuns(db, { orderBy: 'metrics.loss', metricAggregate: 'avg; DROP TABLE runs' as never }), /Unknown metric summary/);
  });
});
