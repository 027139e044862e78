import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { downsampleMinMax, ema } from '../../../src/shared/downsample';

/** A series: non-decreasing x (with repeats), y with NaN, ±Inf and spikes mixed in. */
const seriesArb = fc
  .tuple(
    fc.integer({ min: -1000, max: 1000 }),
    fc.array(
      fc.record({
        dx: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 100, noNaN: true })),
        y: fc.oneof(
          { weight: 20, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
          { weight: 2, arbitrary: fc.constant(NaN) },
          { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, 1e300, -1e300) },
        ),
      }),
      { maxLength: 3000 },
    ),
  )
  .map(([start, pts]) => {
    const x: number[] = [];
    let at = start;
    for (const p of pts) x.push((at += p.dx));
    return { x, y: pts.map((p) => p.y) };
  });

const extremes = (ys: number[]) => {
  const finite = ys.filter((v) => !Number.isNaN(v));
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [];
};

describe('downsampleMinMax', () => {
  it('keeps the global min and max, stays within its size bound, keeps x order (property)', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 200 }), ({ x, y }, buckets) => {
        const d = downsampleMinMax(x, y, buckets);
        const ys = d.points.map((i) => y[i]!);
        for (const e of extremes(y)) assert.ok(ys.includes(e), `extreme ${e} kept`);
        assert.ok(d.points.length <= 2 * buckets + 2, `${d.points.length} points for ${buckets} buckets`);
        if (!d.exact) assert.ok(d.nans.length <= buckets);
        for (let i = 1; i < d.points.length; i++) assert.ok(d.points[i]! > d.points[i - 1]! && x[d.points[i]!]! >= x[d.points[i - 1]!]!);
        assert.ok(
          ys.every((v) => !Number.isNaN(v)),
          'NaN is never drawn as a point',
        );
        assert.equal(d.nans.length > 0, y.some(Number.isNaN), 'a NaN in the data is always marked');
        assert.ok(d.nans.every((i) => Number.isNaN(y[i]!)));
      }),
      { numRuns: 300 },
    );
  });

  it('returns a short series exactly', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 2000 }), ({ x, y }, buckets) => {
        fc.pre(x.length <= 2 * buckets + 2);
        const d = downsampleMinMax(x, y, buckets);
        assert.ok(d.exact);
        assert.deepEqual(
          [...d.points, ...d.nans].sort((a, b) => a - b),
          x.map((_, i) => i),
        );
      }),
    );
  });

  it('respects a range: only points inside it, with the extremes inside it (property)', () => {
    fc.assert(
      fc.property(
        seriesArb,
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ x, y }, buckets, a, b) => {
          fc.pre(x.length > 0);
          const lo = x[0]!;
          const span = x[x.length - 1]! - lo;
          const range: [number, number] = [lo + span * Math.min(a, b), lo + span * Math.max(a, b)];
          const d = downsampleMinMax(x, y, buckets, range);
          const inside = x.map((_, i) => i).filter((i) => x[i]! >= range[0] && x[i]! <= range[1]);
          assert.equal(d.count, inside.length);
          assert.deepEqual([d.x0, d.x1], range);
          for (const i of [...d.points, ...d.nans]) assert.ok(x[i]! >= range[0] && x[i]! <= range[1]);
          const ys = d.points.map((i) => y[i]!);
          for (const e of extremes(inside.map((i) => y[i]!))) assert.ok(ys.includes(e));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a one-point spike in a long flat series, per bucket', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => (i === 54_321 ? 99 : i === 77_777 ? -5 : Math.sin(i / 1000)));
    const d = downsampleMinMax(x, y, 500);
    assert.ok(d.points.includes(54_321) && d.points.includes(77_777));
    assert.deepEqual([d.points[0], d.points[d.points.length - 1]], [0, n - 1], 'the line starts and ends with the data');
    assert.equal(d.bucketWidth, (n - 1) / 500);
  });

  it('handles empty input, a single x and bad arguments', () => {
    assert.deepEqual(downsampleMinMax([], [], 10).points, []);
    const same = downsampleMinMax([5, 5, 5, 5, 5], [1, 3, 2, NaN, 0], 1);
    assert.deepEqual([same.points, same.nans, same.bucketWidth], [[0, 1, 4], [3], 0]);
    assert.throws(() => downsampleMinMax([1], [1], 0), /buckets/);
    assert.throws(() => downsampleMinMax([1, 2], [1], 3), /same length/);
    assert.throws(() => downsampleMinMax([1], [1], 3, [2, 1]), /range/);
  });
});

describe('ema', () => {
  it('matches TensorBoard: debiased, NaN/Inf passed through, constant series untouched', () => {
    assert.deepEqual(ema([1, 2, 3], 0), [1, 2, 3]);
    const s = ema([10, 20], 0.5);
    assert.equal(s[0], 10, 'the first value is not pulled toward zero');
    assert.equal(s[1], (0.5 * 0.5 * 10 + 0.5 * 20) / (1 - 0.25));
    const gaps = ema([1, NaN, Infinity, 1], 0.9);
    assert.deepEqual(gaps.slice(0, 3).map(String), ['1', 'NaN', 'Infinity']);
    assert.ok(Math.abs(gaps[3]! - 1) < 1e-12);
    assert.deepEqual(ema([0.3, 0.3, 0.3], 0.99), [0.3, 0.3, 0.3]);
    assert.throws(() => ema([1], 1), /smoothing/);
  });

  it('stays within the range of the values it smooths (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (v, w) => {
        const lo = Math.min(...v);
        const hi = Math.max(...v);
        const eps = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
        for (const s of ema(v, w)) assert.ok(s >= lo - eps && s <= hi + eps, `${s} outside [${lo}, ${hi}]`);
      }),
    );
  });
});
