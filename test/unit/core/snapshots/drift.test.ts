import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PSI_EPSILON, categoricalDistance, ksPValue, ksStatistic, psi, quantileEdges, tableDrift } from '../../../../src/core/data/drift';
import { openTable } from '../../../../src/core/data/open';
import { prng } from '../../../../src/core/random';
import { makeTempDir } from '../../../helpers/tmp';

/** KS by brute force: the CDF gap at every observed value. */
function bruteKs(a: number[], b: number[]): number {
  const cdf = (xs: number[], t: number) => xs.filter((x) => x <= t).length / xs.length;
  return Math.max(...[...a, ...b].map((t) => Math.abs(cdf(a, t) - cdf(b, t))));
}

describe('drift measures', () => {
  it('computes the KS statistic', () => {
    assert.equal(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6]), 0.5);
    assert.equal(ksStatistic([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(ksStatistic([1, 2], [10, 20]), 1);
    const r = prng(7);
    for (let trial = 0; trial < 20; trial++) {
      const a = Array.from({ length: 30 }, () => Math.round(r() * 20));
      const b = Array.from({ length: 17 }, () => Math.round(r() * 20 + 3));
      assert.ok(Math.abs(ksStatistic(a, b) - bruteKs(a, b)) < 1e-12);
    }
  });

  it('gives KS p-values near 1 for equal samples and near 0 for different ones', () => {
    assert.ok(ksPValue(0, 100, 100) === 1);
    assert.ok(ksPValue(0.05, 100, 100) > 0.9);
    assert.ok(ksPValue(0.8, 200, 200) < 1e-6);
  });

  it('computes PSI over the reference deciles, matching a hand calculation', () => {
    const ref = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.deepEqual(quantileEdges(ref, 10), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Every reference bin holds 0.1; the current sample puts 0.5 in the first bin, nothing in
    // the next four, 0.1 in each of the last five.
    const cur = [1, 1, 1, 1, 1, 6, 7, 8, 9, 10];
    const expected = (0.5 - 0.1) * Math.log(0.5 / 0.1) + 4 * (PSI_EPSILON - 0.1) * Math.log(PSI_EPSILON / 0.1);
    assert.ok(Math.abs(psi(ref, cur) - expected) < 1e-12);
    assert.equal(psi(ref, ref), 0);
  });

  it('computes Jensen–Shannon and total variation distances', () => {
    const m = (o: Record<string, number>) => new Map(Object.entries(o));
    assert.deepEqual(categoricalDistance(m({ a: 1 }), m({ b: 1 })), { js_distance: 1, tvd: 1 });
    assert.deepEqual(categoricalDistance(m({ a: 5, b: 5 }), m({ a: 1, b: 1 })), { js_distance: 0, tvd: 0 });
    const [p, q] = [
      [0.5, 0.5],
      [0.75, 0.25],
    ];
    const mid = [0.625, 0.375];
    const jsd =
      0.5 * (p[0]! * Math.log2(p[0]! / mid[0]!) + p[1]! * Math.log2(p[1]! / mid[1]!)) +
      0.5 * (q[0]! * Math.log2(q[0]! / mid[0]!) + q[1]! * Math.log2(q[1]! / mid[1]!));
    const d = categoricalDistance(m({ a: 2, b: 2 }), m({ a: 3, b: 1 }));
    assert.ok(Math.abs(d.js_distance - Math.sqrt(jsd)) < 1e-12);
    assert.ok(Math.abs(d.tvd - 0.25) < 1e-12);
  });

  it('ranks the columns of two table versions by how much they moved', async () => {
    const tmp = makeTempDir();
    try {
      const r = prng(1);
      const rows = (shift: number, cities: string[]) =>
        ['x,city,same,gone', ...Array.from({ length: 500 }, (_, i) => `${(r() * 10 + shift).toFixed(3)},${cities[i % cities.length]},${i % 10},1`)].join('\n');
      fs.writeFileSync(path.join(tmp.dir, 'a.csv'), rows(0, ['Paris', 'Lyon']));
      fs.writeFileSync(path.join(tmp.dir, 'b.csv'), rows(3, ['Paris', 'Paris', 'Paris', 'Nice']).replace(',gone', ',added'));
      const d = await tableDrift(openTable(path.join(tmp.dir, 'a.csv')), openTable(path.join(tmp.dir, 'b.csv')));
      assert.deepEqual(
        d.columns.map((c) => c.column),
        ['city', 'x', 'same'],
      );
      const [city, x, same] = d.columns;
      assert.equal(city!.kind, 'categorical');
      assert.equal(x!.kind, 'numeric');
      assert.ok(x!.ks! > 0.2 && x!.psi! > 0.25, JSON.stringify(x));
      assert.equal(same!.score, 0);
      assert.deepEqual([d.columns_added, d.columns_removed, d.rows_a, d.rows_b], [['added'], ['gone'], 500, 500]);
    } finally {
      tmp.cleanup();
    }
  });
});
