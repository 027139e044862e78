import { strict as assert } from 'node:assert';
import { openStore, type Db } from '../../../../src/core/store/database';
import { queryRuns } from '../../../../src/core/query/runs';
import { seedRuns } from '../../../helpers/seed';

/**
 * Issue 21: AND/OR grouping reaches SQL intact. Eight runs hold every combination of three
 * conditions (a param, a tag and a metric), so any filter whose parentheses change its meaning
 * gives a different set of runs once they are dropped. The expected runs come from evaluating the
 * same boolean formula here in JavaScript, not from the query code.
 */
describe('query: AND/OR precedence and parentheses', () => {
  let db: Db;
  const bits = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ id: `r${i}`, A: (i & 1) !== 0, B: (i & 2) !== 0, C: (i & 4) !== 0 }));
  beforeEach(() => {
    db = openStore(':memory:');
    seedRuns(
      db,
      bits.map((b, i) => ({
        id: b.id,
        start: Date.UTC(2026, 0, 1) + i * 1000,
        params: { a: b.A ? 'yes' : 'no' },
        tags: { b: b.B ? 'yes' : 'no' },
        metrics: { c: [b.C ? 0.1 : 0.9] },
      })),
    );
  });
  afterEach(() => db.close());

  const A = `params.a = 'yes'`;
  const B = `tags.b = 'yes'`;
  const C = `metrics.c < 0.5`;
  const cases: [string, (r: { A: boolean; B: boolean; C: boolean }) => boolean][] = [
    [`(${A} or ${B}) and ${C}`, (r) => (r.A || r.B) && r.C],
    [`${A} and (${B} or ${C})`, (r) => r.A && (r.B || r.C)],
    [`${A} or ${B} and ${C}`, (r) => r.A || (r.B && r.C)],
    [`${A} and ${B} or ${C}`, (r) => (r.A && r.B) || r.C],
    [`(${A} or ${B}) and (${C} or ${A})`, (r) => (r.A || r.B) && (r.C || r.A)],
    [`(${A} or (${B} and ${C})) and ${B}`, (r) => (r.A || (r.B && r.C)) && r.B],
    [`(${A} or ${B}) and (status = 'finished' and ${C})`, (r) => (r.A || r.B) && r.C],
  ];
  for (const [filter, expected] of cases) {
    it(`${filter
      .replace(/params\.a = 'yes'/g, 'A')
      .replace(/tags\.b = 'yes'/g, 'B')
      .replace(/metrics\.c < 0\.5/g, 'C')}`, () => {
      const got = queryRuns(db, { filter }).runs.map((r) => r.id);
      const want = bits.filter(expected).map((b) => b.id);
      assert.deepEqual([...got].sort(), want.sort());
    });
  }
});
