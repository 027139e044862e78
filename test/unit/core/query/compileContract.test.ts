import { strict as assert } from 'node:assert';
import { checkAggregate } from '../../../../src/core/query/compile';
import { queryRuns } from '../../../../src/core/query/runs';
import { openStore, type Db } from '../../../../src/core/store/database';
import { seedRuns } from '../../../helpers/seed';

/** Issue 21 (mutation testing of compile.ts): the corners of the filter and sort compiler no other test reached. */
describe('query compile: missing metrics, numeric tags, lifecycle and summaries', () => {
  let db: Db;
  beforeEach(() => {
    db = openStore(':memory:');
    const T0 = Date.UTC(2026, 0, 1);
    seedRuns(db, [
      { id: 'a', start: T0, tags: { priority: '10' }, metrics: { loss: [0.9, 0.1, 0.5] } },
      { id: 'b', start: T0 + 1000, tags: { priority: '2' }, metrics: { loss: [0.3, 0.4] } },
      { id: 'c', start: T0 + 2000, tags: { priority: 'high' }, metrics: { acc: [0.7] } },
    ]);
    db.prepare("UPDATE runs SET lifecycle = 'deleted' WHERE id = 'c'").run();
  });
  afterEach(() => db.close());

  const ids = (filter?: string, orderBy?: string, metricAggregate?: 'last' | 'min' | 'max') =>
    queryRuns(db, { filter, orderBy, metricAggregate, includeDeleted: true }).runs.map((r) => r.id);

  it('IS NULL / IS NOT NULL on a metric ask whether the run logged it at all', () => {
    assert.deepEqual(ids('metrics.loss IS NULL'), ['c']);
    assert.deepEqual(ids('metrics.loss IS NOT NULL'), ['b', 'a']);
    assert.deepEqual(ids('metrics.acc IS NULL'), ['b', 'a']);
  });

  it('IS NULL on an attribute, and IN with numbers on a tag (numeric, non-numbers never in)', () => {
    db.prepare("UPDATE runs SET status = 'running', end_time = NULL WHERE id = 'b'").run();
    assert.deepEqual(ids('end_time IS NULL'), ['b']);
    assert.deepEqual(ids('end_time IS NOT NULL'), ['c', 'a']);
    assert.deepEqual(ids('tags.priority IN (10, 3)'), ['a']);
    assert.deepEqual(ids('tags.priority NOT IN (10, 3)'), ['c', 'b'], "'high' is no number, so it is not in the list");
  });

  it('compares tags with a number literal numerically (10 > 2, not "10" < "2"); text that is no number never matches', () => {
    assert.deepEqual(ids('tags.priority > 5'), ['a']);
    assert.deepEqual(ids('tags.priority < 5'), ['b']);
    assert.deepEqual(ids("tags.priority = 'high'"), ['c']);
  });

  it('folds case only for the status and lifecycle attributes, not for a param that happens to be called status', () => {
    db.prepare("INSERT INTO params (run_id, key, value) VALUES ('a', 'status', 'Done')").run();
    assert.deepEqual(ids("params.status = 'Done'"), ['a']);
    assert.deepEqual(ids("params.status = 'done'"), []);
  });

  it('matches lifecycle in either case, as statuses', () => {
    assert.deepEqual(ids("lifecycle = 'DELETED'"), ['c']);
    assert.deepEqual(ids("lifecycle = 'active'"), ['b', 'a']);
  });

  it('sorts metrics by the chosen summary: last, min or max', () => {
    // a: last 0.5, min 0.1, max 0.9; b: last 0.4, min 0.3, max 0.4; c has no loss and goes last.
    assert.deepEqual(ids(undefined, 'metrics.loss ASC', 'last'), ['b', 'a', 'c']);
    assert.deepEqual(ids(undefined, 'metrics.loss ASC', 'min'), ['a', 'b', 'c']);
    assert.deepEqual(ids(undefined, 'metrics.loss ASC', 'max'), ['b', 'a', 'c']);
    assert.deepEqual(ids(undefined, 'metrics.loss DESC', 'max'), ['a', 'b', 'c']);
  });

  it('accepts exactly the summaries last, min and max', () => {
    for (const a of ['last', 'min', 'max']) assert.equal(checkAggregate(a), a);
    for (const a of ['avg', '', 'LAST', 'last; DROP TABLE runs', undefined]) {
      assert.throws(
        () => checkAggregate(a),
        (e: { message: string; code: string }) => /Unknown metric summary/.test(e.message) && e.code === 'INVALID_ARGUMENT', // the CLI exits 2
      );
    }
  });
});
