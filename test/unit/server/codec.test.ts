import { strict as assert } from 'node:assert';
import { fromHalf, toHalf } from '../../../src/shared/half';
import { batchKey, joinFeeds, splitOutput } from '../../../src/server/batching';
import { decodeBinaryData, decodeJsonData, encodeBinaryData, encodeJsonData } from '../../../src/server/tensorCodec';
import type { HttpError } from '../../../src/server/httpError';

describe('model server codecs', () => {
  it('rounds numbers to half precision like IEEE 754 (nearest, ties to even)', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [65520, 0x7c00],
      [1e6, 0x7c00],
      [-Infinity, 0xfc00],
      [0.1, 0x2e66],
      [5.960464477539063e-8, 0x0001],
      [1e-8, 0x0000],
      [-0, 0x8000],
      [1 + 2 ** -11, 0x3c00],
      [1 + 3 * 2 ** -11, 0x3c02],
      [6.097555160522461e-5, 0x03ff],
    ];
    for (const [x, h] of cases) assert.equal(toHalf(x), h, `toHalf(${x}) = 0x${toHalf(x).toString(16)}, want 0x${h.toString(16)}`);
    assert.equal(toHalf(NaN) & 0x7c00, 0x7c00);
    assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
  });

  it('round-trips every half-precision bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = fromHalf(h);
      if (Number.isNaN(x)) continue;
      assert.equal(toHalf(x), h, `pattern 0x${h.toString(16)}`);
    }
  });

  it('decodes nested and flat JSON data and refuses the wrong count or type with a 400', () => {
    assert.deepEqual(
      [
        ...(decodeJsonData(
          'x',
          'INT32',
          [2, 2],
          [
            [1, 2],
            [3, 4],
          ],
        ) as Int32Array),
      ],
      [1, 2, 3, 4],
    );
    assert.deepEqual([...(decodeJsonData('x', 'UINT64', [2], [1, 2 ** 53]) as BigUint64Array)], [1n, 2n ** 53n]);
    const err = (f: () => unknown): HttpError => {
      try {
        f();
      } catch (e) {
        return e as HttpError;
      }
      throw new Error('did not throw');
    };
    assert.equal(err(() => decodeJsonData('x', 'FP32', [2], [1])).status, 400);
    assert.match(err(() => decodeJsonData('x', 'INT8', [1], [200])).message, /in range \[-128, 127\]/);
    assert.match(err(() => decodeJsonData('x', 'INT32', [1], [1.5])).message, /not an integer/);
    assert.match(err(() => decodeJsonData('x', 'BYTES', [1], [1])).message, /not a string/);
    assert.deepEqual(encodeJsonData('FP32', decodeJsonData('x', 'FP32', [3], ['NaN', 'Infinity', 1.5])), ['NaN', 'Infinity', 1.5]);
  });

  it('reads and writes BYTES in the binary extension framing', () => {
    const bytes = encodeBinaryData('BYTES', ['', 'héllo', 'x']);
    assert.equal(bytes.length, 4 + 4 + 6 + 4 + 1);
    assert.deepEqual(decodeBinaryData('s', 'BYTES', [3], bytes), ['', 'héllo', 'x']);
    assert.throws(() => decodeBinaryData('s', 'BYTES', [3], bytes.subarray(0, bytes.length - 1)), /runs past the end/);
    assert.throws(() => decodeBinaryData('f', 'FP32', [2], Buffer.alloc(7)), /is 7 bytes but shape \[2\] of FP32 needs 8/);
  });

  it('joins requests along the first axis and gives each its own rows back', () => {
    const a = [{ name: 'x', datatype: 'FP32' as const, shape: [1, 2], data: new Float32Array([1, 2]) }];
    const b = [{ name: 'x', datatype: 'FP32' as const, shape: [2, 2], data: new Float32Array([3, 4, 5, 6]) }];
    assert.equal(
      batchKey(a, () => 'u'),
      batchKey(b, () => 'v'),
    );
    assert.notEqual(
      batchKey([{ ...a[0]!, shape: [1, 3] }], () => 'u'),
      batchKey(a, () => 'v'),
    );
    const feeds = joinFeeds([a, b], () => 'float32');
    assert.deepEqual(feeds.x!.dims, [3, 2]);
    assert.deepEqual([...(feeds.x!.data as Float32Array)], [1, 2, 3, 4, 5, 6]);
    const parts = splitOutput('y', { type: 'float32', dims: [3, 2], data: new Float32Array([10, 20, 30, 40, 50, 60]) }, [1, 2]);
    assert.deepEqual(
      parts.map((p) => [p.dims, [...(p.data as Float32Array)]]),
      [
        [
          [1, 2],
          [10, 20],
        ],
        [
          [2, 2],
          [30, 40, 50, 60],
        ],
      ],
    );
    assert.throws(() => splitOutput('y', { type: 'float32', dims: [1], data: new Float32Array([1]) }, [1, 2]), /maxBatchSize 1/);
  });
});
