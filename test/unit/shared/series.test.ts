import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { type SeriesPoint, countNonFinite, downsample, toChartSeries } from '../../../src/shared/series';
import type { JsonNumber } from '../../../src/shared/runModel';

const pts = (values: JsonNumber[]): SeriesPoint[] => values.map((value, step) => ({ step, value }));

describe('chart series transform', () => {
  it('turns NaN and ±Infinity (numbers or JSON strings) into counted gaps', () => {
    const s = toChartSeries([
      { step: 0, value: 1 },
      { step: 1, value: 'NaN' },
      { step: 2, value: 'Infinity' },
      { step: 3, value: '-Infinity' },
      { step: 4, value: NaN },
      { step: 5, value: -Infinity },
      { step: 6, value: 0.5 },
    ]);
    assert.deepEqual(s.x, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(s.y, [1, null, null, null, null, null, 0.5]);
    assert.deepEqual({ nan: s.nan, posInf: s.posInf, negInf: s.negInf }, { nan: 2, posInf: 1, negInf: 2 });
  });

  it('treats unexpected values as NaN and drops points without a usable step', () => {
    const s = toChartSeries([
      { step: 0, value: 'oops' as JsonNumber },
      { step: NaN, value: 1 },
      { step: 1, value: 2 },
    ]);
    assert.deepEqual(s.x, [0, 1]);
    assert.deepEqual(s.y, [null, 2]);
    assert.equal(s.nan, 1);
  });

  it('sorts by step when the input is out of order (x must ascend for uPlot)', () => {
    const s = toChartSeries([
      { step: 2, value: 20 },
      { step: 0, value: 0 },
      { step: 1, value: 10 },
    ]);
    assert.deepEqual(s.x, [0, 1, 2]);
    assert.deepEqual(s.y, [0, 10, 20]);
  });

  it('handles an empty series', () => {
    assert.deepEqual(toChartSeries([]), { x: [], y: [], nan: 0, posInf: 0, negInf: 0 });
  });

  it('counts non-finite values over the full series', () => {
    assert.deepEqual(countNonFinite(pts([1, 'NaN', 'Infinity', -Infinity, NaN, 3])), { nan: 2, posInf: 1, negInf: 1 });
  });
});

describe('downsampling', () => {
  it('leaves short series alone', () => {
    const p = pts([1, 2, 3]);
    assert.deepEqual(downsample(p, 10), p);
  });

  it('keeps a single spike and a NaN among a million points', () => {
    const values: JsonNumber[] = Array.from({ length: 1_000_000 }, (_, i) => Math.sin(i / 1000));
    values[123_457] = 1e9;
    values[654_321] = -1e9;
    values[900_000] = 'NaN';
    const out = downsample(pts(values), 2000);
    assert.ok(out.length <= 2000, `${out.length} points`);
    assert.ok(
      out.some((p) => p.value === 1e9),
      'max spike kept',
    );
    assert.ok(
      out.some((p) => p.value === -1e9),
      'min spike kept',
    );
    assert.ok(
      out.some((p) => p.value === 'NaN'),
      'NaN kept as a gap',
    );
    assert.equal(out[0]!.step, 0);
    assert.equal(out[out.length - 1]!.step, 999_999);
  });

  it('returns an ordered subsequence within bounds that contains the extremes (property)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
      fc.constantFrom<JsonNumber>('NaN', 'Infinity', '-Infinity'),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 400 }), fc.integer({ min: 5, max: 100 }), (values, max) => {
        const input = pts(values);
        const out = downsample(input, max);
        assert.ok(out.length <= Math.max(max, input.length <= max ? input.length : 0));
        for (let i = 1; i < out.length; i++) assert.ok(out[i]!.step > out[i - 1]!.step, 'strictly ordered, no duplicates');
        const finite = values.filter((v): v is number => typeof v === 'number');
        if (finite.length > 0) {
          const kept = out.map((p) => p.value).filter((v): v is number => typeof v === 'number');
          assert.ok(kept.includes(Math.max(...finite)));
          assert.ok(kept.includes(Math.min(...finite)));
        }
      }),
    );
  });
});
