import { strict as assert } from 'node:assert';
import { drawableY, lastDrawnIndex, nearestIndex, readoutText, tickText, xFormatter } from '../../../../webview/shared/chartMath';

describe('shared chart math', () => {
  it('finds the point nearest an x value in sorted xs', () => {
    assert.equal(nearestIndex([0, 10, 20, 30], 14), 1);
    assert.equal(nearestIndex([0, 10, 20, 30], 16), 2);
    assert.equal(nearestIndex([0, 10, 20, 30], -5), 0);
    assert.equal(nearestIndex([0, 10, 20, 30], 99), 3);
    assert.equal(nearestIndex([], 1), -1);
  });

  it('turns NaN, ±Inf and missing values into gaps, and values ≤ 0 too on a log axis', () => {
    assert.deepEqual(drawableY([1, NaN, Infinity, -Infinity, null, -2, 0, 3], false), [1, null, null, null, null, -2, 0, 3]);
    assert.deepEqual(drawableY([1, NaN, -2, 0, 3], true), [1, null, null, null, 3]);
  });

  it('finds the last drawn point', () => {
    assert.equal(lastDrawnIndex([1, 2, null, null]), 1);
    assert.equal(lastDrawnIndex([null]), -1);
    assert.equal(lastDrawnIndex([]), -1);
  });

  it('reads out the hovered point, a single line’s last value when not hovering, never dashes', () => {
    const p = { label: 'run-3', x: '120', y: '0.31' };
    assert.equal(readoutText('step', p, undefined, 5), 'run-3 · step 120 → 0.31');
    assert.equal(readoutText('step', undefined, p, 1), 'last 0.31 at step 120');
    assert.equal(readoutText('step', undefined, p, 2), '');
    assert.equal(readoutText('step', undefined, undefined, 1), '');
  });

  it('writes x as a step with thousands separators unless the chart is a time axis or its owner formats x', () => {
    // The run details charts give no formatter: their readout said "step 29980" beside a table's "29,980".
    const step = xFormatter({});
    assert.equal(step(29_980), '29,980');
    assert.equal(readoutText('step', { label: 'loss', x: step(29_980), y: '0.31' }, undefined, 1), 'loss · step 29,980 → 0.31');
    // A time axis (the Monitor's) reads out a time of day, not epoch milliseconds.
    assert.equal(xFormatter({ time: true })(new Date(2026, 10, 26, 3, 4, 5).getTime()), '03:04:05');
    assert.equal(xFormatter({ formatX: (v) => `${v} s`, time: true })(3), '3 s');
  });

  it('leaves ticks uPlot does not label blank instead of "NaN"', () => {
    assert.deepEqual([0.5, null, 2].map(tickText((v) => v.toFixed(1))), ['0.5', '', '2.0']);
  });
});
