import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseMetricLine, parseMetricsLine } from '../../../../src/core/ingest/metricLine';
import { toRunEvent } from '../../../../src/core/ingest/events';

/** What the general path makes of a line: the event, or the fact that it refuses it. */
function general(line: string): unknown {
  try {
    return toRunEvent(JSON.parse(line));
  } catch {
    return 'refused';
  }
}

const m = (ts: string, key: string, value: string, step: string) => `{"type":"metric","ts":${ts},"key":"${key}","value":${value},"step":${step}}`;

describe('metric line fast path', () => {
  const canonical = [
    m('1700000000000', 'loss', '0.5', '0'),
    m('1700000000000', 'loss', '1e-05', '12'),
    m('1700000000000', 'val/acc', '-1.5E+20', '3'),
    m('1700000000000', 'x', '-0.0', '0'),
    m('0', 'x', '0', '-7'),
    m('-5', 'x', '"NaN"', '1'),
    m('5', 'x', '"Infinity"', '9007199254740991'),
    m('5', 'x', '"-Infinity"', '2'),
    m('5', 'ключ ✓', '3.25', '2'),
  ];
  const refusedOrOther = [
    m('01', 'x', '1', '0'), // leading zero: not JSON
    m('1', 'x', '01', '0'),
    m('1', 'x', '1.', '0'),
    m('1', 'x', '.5', '0'),
    m('1', 'x', '+1', '0'),
    m('1', 'x', '1', '1.0'), // a float step goes the general way
    m('1', 'x', '1', '1.5'),
    m('1', 'x', '1', '9007199254740992'), // not a safe integer
    m('8640000000000001', 'x', '1', '0'), // ts out of range
    m('1.5', 'x', '1', '0'),
    m('1', '', '1', '0'), // empty key
    m('1', 'a\\"b', '1', '0'), // escapes
    m('1', 'a\\u0041', '1', '0'),
    m('1', 'tab\there', '1', '0'), // a raw control character is not JSON
    m('1', 'x', '"nan"', '0'),
    m('1', 'x', 'NaN', '0'),
    m('1', 'x', 'null', '0'),
    m('1', 'x', '"1"', '0'),
    m('1', 'x', '1', '0') + ' ',
    m('1', 'x', '1', '0') + '\r',
    m('1', 'x', '1', '0') + ',{"type":"heartbeat","ts":2}',
    '{"type":"metric","ts":1,"key":"x","value":1,"step":0,"extra":1}',
    '{"ts":1,"type":"metric","key":"x","value":1,"step":0}',
    '{"type":"metric","ts":1,"key":"x","value":1}',
    '{"type": "metric","ts":1,"key":"x","value":1,"step":0}',
    '{"type":"metrics","ts":1,"step":0,"values":{"x":1}}',
  ];

  it('takes the lines the Python client writes, and gives exactly what JSON.parse + toRunEvent give', () => {
    for (const line of canonical) {
      const fast = parseMetricLine(line);
      assert.ok(fast, `fast path missed ${line}`);
      assert.deepStrictEqual(fast, general(line), line); // SameValue: NaN equals NaN, -0 is not 0
    }
  });

  it('never gives anything the general path would not: other lines go the general way', () => {
    for (const line of [...canonical, ...refusedOrOther]) {
      const fast = parseMetricLine(line);
      if (fast !== undefined) assert.deepStrictEqual(fast, general(line), line);
    }
    for (const line of refusedOrOther) assert.equal(parseMetricLine(line), undefined, line);
  });

  it('reads values at the edges of exact decimal conversion exactly as JSON.parse does', () => {
    // m·10^e is computed in one operation when m < 2^53 and |e| <= 22; everything else goes
    // through Number(). Each value below sits on one side of those edges, or is a case a hand-made
    // decimal conversion typically gets wrong (double rounding, subnormals, overflow).
    const values = [
      '0.047619047619047616', // 17 digits: m >= 2^53
      '0.3333333333333333', // 16 digits, m < 2^53
      '9007199254740991', // 2^53 - 1
      '9007199254740992',
      '9007199254740993', // not a double: rounds to even
      '0.9007199254740993',
      '1e22',
      '1e23', // 10^23 is not a double
      '1.5e-22',
      '1.5e-23',
      '123456789e-30',
      '1e007',
      '1E-007',
      '4.9e-324',
      '5e-324',
      '2.2250738585072014e-308',
      '1.7976931348623157e+308',
      '1.8e308', // overflows to Infinity, as JSON.parse gives
      '0.1000000000000000055511151231257827',
      '123456789012345678901234567890',
      '-0',
      '0e400',
      '1e-400',
    ];
    for (const v of values) {
      for (const text of [v, v.startsWith('-') ? v.slice(1) : '-' + v]) {
        const line = m('1700000000000', 'x', text, '1');
        const fast = parseMetricLine(line);
        assert.ok(fast, line);
        assert.deepStrictEqual(fast, general(line), line);
      }
    }
  });

  it('agrees with the general path on many random values, as JavaScript and as Python print them', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
      // Python's repr writes 1e-05 where JavaScript writes 0.00001; both are JSON.
      const text = i % 2 ? String(x) : x.toExponential(Math.floor(rnd() * 17)).replace('e', i % 4 ? 'e' : 'E');
      const line = m(String(Math.floor(rnd() * 1e13)), `k${i % 7}`, text, String(Math.floor(rnd() * 1e9)));
      const fast = parseMetricLine(line);
      assert.ok(fast, line);
      assert.deepStrictEqual(fast, general(line), line);
    }
  });

  it('reads 16- to 19-digit values (m ≥ 2^53, exactDivide) as JSON.parse does: random, near powers of two, on ties', () => {
    const f64 = new Float64Array(1);
    const u32 = new Uint32Array(f64.buffer);
    const low = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1; // the word with the mantissa's low bits
    const same = (text: string) => {
      const line = m('1700000000000', 'x', text, '1');
      assert.deepStrictEqual(parseMetricLine(line), general(line), line);
    };
    const printings = (x: number) => [String(x), x.toPrecision(16), x.toPrecision(17), x.toPrecision(18), x.toPrecision(19), x.toExponential(16)];
    // Neighbours of powers of two (below them doubles are twice as dense) and of ten.
    for (let e = -60; e < 60; e += 3) {
      for (const base of [2 ** e, 10 ** (e / 3)]) {
        for (let d = -6; d <= 6; d++) {
          f64[0] = base;
          const bits = u32[low]! + d;
          if (bits < 0 || bits >= 2 ** 32) continue;
          u32[low] = bits;
          for (const t of printings(f64[0]!)) same(t);
        }
      }
    }
    // Exact ties between two doubles (JSON.parse rounds them to even), and a loss curve.
    for (const t of ['9007199254740993.0', '900719925474099.30e1', '90071992547409930e-1', '18014398509481985.0', '4503599627370497.5', '9.999999999999999e-1'])
      same(t);
    for (let i = 1; i <= 3000; i++) same(String(1 / i));
    let seed = 5;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 3000; i++) {
      let digits = String(1 + Math.floor(rnd() * 9));
      for (let j = 16 + Math.floor(rnd() * 4); j > 1; j--) digits += Math.floor(rnd() * 10);
      const dot = 1 + Math.floor(rnd() * (digits.length - 1));
      same(`${digits.slice(0, dot)}.${digits.slice(dot)}e${Math.floor(rnd() * 40) - 30}`);
      same(`0.${digits}`);
    }
  });

  it('reads any double printed in 16 to 19 significant digits, and any 16- to 19-digit decimal, as JSON.parse does (property)', () => {
    const same = (text: string) => {
      const line = m('1700000000000', 'x', text, '1');
      assert.deepStrictEqual(parseMetricLine(line), general(line), line);
    };
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-30, max: 1e30 }), fc.integer({ min: 16, max: 19 }), (x, digits) => {
        same(x.toPrecision(digits));
        same(x.toExponential(digits - 1));
        same(String(x));
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{15,18}$/), fc.integer({ min: 0, max: 18 }), fc.integer({ min: -25, max: 10 }), (digits, dot, exp) => {
        same(`${digits.slice(0, dot + 1)}.${digits.slice(dot + 1) || '0'}e${exp}`);
      }),
      { numRuns: 20_000 },
    );
  });

  describe('metrics lines (a dict per step)', () => {
    const d = (ts: string, step: string, body: string) => `{"type":"metrics","ts":${ts},"step":${step},"values":{${body}}}`;
    const taken = [
      d('1700000000000', '0', '"loss":0.5'),
      d('1700000000000', '7', '"loss":0.5,"acc":"NaN","lr":1e-05,"grad":-1.5E+20'),
      d('-5', '-1', '"x":"Infinity","y":"-Infinity","z":-0.0'),
      d('5', '9007199254740991', '"ключ ✓":3.25,"a/b":0.047619047619047616'),
      d('5', '2', '"x1":1,"1x":2'),
    ];
    const other = [
      d('1', '0', ''), // no values: the general path makes an event of no points
      d('1', '0', '"x":1,"x":2'), // repeated key: JSON.parse keeps the last value
      d('1', '0', '"b":1,"3":2'), // an array-index key: an object lists it first
      d('1', '0', '"__proto__":1'),
      d('1', '0', '"":1'),
      d('1', '0', '"a\\"b":1'),
      d('1', '0', '"x":1,'),
      d('1', '0', '"x":1 '),
      d('1', '0', '"x" :1'),
      d('1', '0', '"x":01'),
      d('1', '0', '"x":"nan"'),
      d('1', '0', '"x":null'),
      d('1', '0', '"x":{"y":1}'),
      d('1', '1.5', '"x":1'),
      d('1.5', '1', '"x":1'),
      d('8640000000000001', '1', '"x":1'),
      d('1', '0', '"x":1') + ' ',
      d('1', '0', '"x":1') + '}',
      '{"type":"metrics","ts":1,"values":{"x":1},"step":0}',
      '{"type":"metrics","ts":1,"step":0,"values":{"x":1},"extra":1}',
    ];

    it('takes the dicts the Python client writes, and gives exactly what JSON.parse + toRunEvent give', () => {
      for (const line of taken) {
        const fast = parseMetricsLine(line);
        assert.ok(fast, `fast path missed ${line}`);
        assert.deepStrictEqual(fast, general(line), line);
        // The same order of keys as the general path, which ingest inserts points in.
        assert.deepEqual(Object.keys(fast.values), Object.keys((general(line) as { values: object }).values), line);
      }
    });

    it('leaves every other line to the general path', () => {
      for (const line of other) assert.equal(parseMetricsLine(line), undefined, line);
      for (const line of [...taken, ...other]) assert.equal(parseMetricLine(line), undefined, line);
    });

    it('agrees with the general path on many random dicts', () => {
      let seed = 11;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 2000; i++) {
        const keys = 1 + Math.floor(rnd() * 6);
        const body = [];
        for (let k = 0; k < keys; k++) body.push(`"m${k}/${Math.floor(rnd() * 3)}":${String((rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15))}`);
        const line = d(String(Math.floor(rnd() * 1e13)), String(Math.floor(rnd() * 1e9)), body.join(','));
        const fast = parseMetricsLine(line);
        if (new Set(body.map((b) => b.split(':')[0])).size === keys) assert.ok(fast, line);
        if (fast) assert.deepStrictEqual(fast, general(line), line);
      }
    });
  });
});
