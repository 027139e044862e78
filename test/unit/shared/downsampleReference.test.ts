import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { downsampleMinMax, ema, lowerBound, upperBound } from '../../../src/shared/downsample';

/**
 * Issue 21 (mutation testing): the chart's downsampling checked against a naive reference written
 * from its documented contract — every bucket's own extremes, not only the global ones, which is
 * what "spikes survive" means — and the smoothing against the closed-form sum it abbreviates.
 */

interface Expected {
  points: number[];
  nans: number[];
  x0: number;
  x1: number;
  bucketWidth: number;
  exact: boolean;
  count: number;
}

/** Straight from the doc comment, one bucket at a time, with no streaming state. */
function reference(x: number[], y: number[], buckets: number, range?: [number, number]): Expected {
  const inRange = x.map((_, i) => i).filter((i) => !range || (x[i]! >= range[0] && x[i]! <= range[1]));
  const count = inRange.length;
  const x0 = range ? range[0] : count ? x[inRange[0]!]! : 0;
  const x1 = range ? range[1] : count ? x[inRange[count - 1]!]! : 0;
  const bucketWidth = (x1 - x0) / buckets;
  const isNaN = (i: number) => Number.isNaN(y[i]!);
  if (count <= 2 * buckets + 2) {
    return { points: inRange.filter((i) => !isNaN(i)), nans: inRange.filter(isNaN), x0, x1, bucketWidth, exact: true, count };
  }
  const bucketOf = (i: number) => (bucketWidth > 0 ? Math.min(buckets - 1, Math.floor((x[i]! - x0) / bucketWidth)) : 0);
  const keep = new Set<number>();
  const nans: number[] = [];
  for (let k = 0; k < buckets; k++) {
    const members = inRange.filter((i) => bucketOf(i) === k);
    const values = members.filter((i) => !isNaN(i));
    if (values.length) {
      const lo = Math.min(...values.map((i) => y[i]!));
      const hi = Math.max(...values.map((i) => y[i]!));
      keep.add(values.find((i) => y[i] === lo)!); // ties keep the first
      keep.add(values.find((i) => y[i] === hi)!);
    }
    const nan = members.find(isNaN);
    if (nan !== undefined) nans.push(nan);
  }
  const drawable = inRange.filter((i) => !isNaN(i));
  if (drawable.length) {
    keep.add(drawable[0]!);
    keep.add(drawable[drawable.length - 1]!);
  }
  return { points: [...keep].sort((a, b) => a - b), nans, x0, x1, bucketWidth, exact: false, count };
}

const seriesArb = fc
  .tuple(
    fc.integer({ min: -50, max: 50 }),
    fc.array(
      fc.record({
        dx: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.double({ min: 0, max: 10, noNaN: true })),
        // Few distinct values, so ties in y (which keep the first) happen often.
        y: fc.oneof(
          { weight: 10, arbitrary: fc.integer({ min: -5, max: 5 }) },
          { weight: 2, arbitrary: fc.constant(NaN) },
          { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity) },
        ),
      }),
      { maxLength: 400 },
    ),
  )
  .map(([start, pts]) => {
    const x: number[] = [];
    let at = start;
    for (const p of pts) x.push((at += p.dx));
    return { x, y: pts.map((p) => p.y) };
  });

describe('downsampleMinMax against a naive reference', () => {
  it('keeps exactly each bucket’s first minimum and maximum, the ends, and one NaN mark per bucket (property)', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 40 }), ({ x, y }, buckets) => {
        assert.deepEqual({ ...downsampleMinMax(x, y, buckets) }, reference(x, y, buckets));
      }),
      { numRuns: 400 },
    );
  });

  it('does the same inside a range, including ranges that start or end between points (property)', () => {
    fc.assert(
      fc.property(
        seriesArb,
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        ({ x, y }, buckets, a, b) => {
          const lo = x.length ? x[0]! : 0;
          const span = x.length ? x[x.length - 1]! - lo : 1;
          const range: [number, number] = [lo + span * Math.min(a, b), lo + span * Math.max(a, b)];
          assert.deepEqual({ ...downsampleMinMax(x, y, buckets, range) }, reference(x, y, buckets, range));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('handles the edges by hand: one bucket, a point exactly on x1, all x equal, 2·buckets + 2 vs + 3 points', () => {
    // 6 points, 2 buckets: exact (≤ 2·2 + 2); 7 points: not.
    const x6 = [0, 1, 2, 3, 4, 5];
    assert.equal(downsampleMinMax(x6, [1, 2, 3, 4, 5, 6], 2).exact, true);
    const x7 = [0, 1, 2, 3, 4, 5, 6];
    const d7 = downsampleMinMax(x7, [5, 9, 1, 7, 0, 8, 3], 2);
    assert.equal(d7.exact, false);
    // Buckets [0, 3) and [3, 6]: x = 6 falls in the last bucket, not a third one.
    assert.deepEqual(d7.points, [0, 1, 2, 4, 5, 6]);
    assert.equal(d7.bucketWidth, 3);
    // Only NaN in range: nothing to draw, one NaN mark per bucket, no stray "first" or "last" point.
    const allNaN = downsampleMinMax([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], Array(10).fill(NaN), 2);
    assert.deepEqual([allNaN.points, allNaN.nans, allNaN.exact], [[], [0, 5], false]);
    // All x equal: zero width, one bucket holds everything.
    const flat = downsampleMinMax([2, 2, 2, 2, 2], [3, 1, 4, 1, 5], 1);
    assert.deepEqual([flat.points, flat.bucketWidth, flat.x0, flat.x1], [[0, 1, 4], 0, 2, 2]);
  });

  it('rejects bad arguments', () => {
    assert.throws(() => downsampleMinMax([1], [1], 0), RangeError);
    assert.throws(() => downsampleMinMax([1], [1], 1.5), RangeError);
    assert.throws(() => downsampleMinMax([1, 2], [1], 1), RangeError);
    assert.throws(() => downsampleMinMax([1], [1], 1, [2, 1]), RangeError);
    assert.doesNotThrow(() => downsampleMinMax([1], [1], 1, [1, 1]));
  });
});

describe('lowerBound / upperBound against a linear scan', () => {
  it('find the first index ≥ v and > v (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 })), fc.integer({ min: -25, max: 25 }), (xs, v) => {
        const x = [...xs].sort((a, b) => a - b);
        const firstAtLeast = x.findIndex((e) => e >= v);
        const firstAbove = x.findIndex((e) => e > v);
        assert.equal(lowerBound(x, v), firstAtLeast < 0 ? x.length : firstAtLeast);
        assert.equal(upperBound(x, v), firstAbove < 0 ? x.length : firstAbove);
      }),
      { numRuns: 500 },
    );
  });
});

describe('ema against its closed form', () => {
  it('is the debiased weighted sum of the finite values so far; non-finite values pass through (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
            { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
          ),
          {
            minLength: 2,
            maxLength: 60,
          },
        ),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        (values, s) => {
          fc.pre(values.some((v) => !Object.is(v, values[0])));
          const out = ema(values, s);
          const seen: number[] = [];
          values.forEach((v, i) => {
            if (!Number.isFinite(v)) return assert.ok(Object.is(out[i], v), `non-finite value ${v} at ${i} passes through`);
            seen.push(v);
            const k = seen.length;
            const sum = seen.reduce((acc, vj, j) => acc + (1 - s) * Math.pow(s, k - 1 - j) * vj, 0);
            const expected = sum / (1 - Math.pow(s, k));
            assert.ok(Math.abs(out[i]! - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `at ${i}: ${out[i]} vs ${expected}`);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns a constant series as is and a raw one at smoothing 0, and rejects smoothing outside [0, 1)', () => {
    assert.deepEqual(ema([0.1, 0.1, 0.1], 0.9), [0.1, 0.1, 0.1]);
    assert.deepEqual(ema([3, 1, 2], 0), [3, 1, 2]);
    assert.deepEqual(ema([], 0.5), []);
    assert.throws(() => ema([1], 1), RangeError);
    assert.throws(() => ema([1], -0.1), RangeError);
    assert.throws(() => ema([1], NaN), RangeError);
  });
});
