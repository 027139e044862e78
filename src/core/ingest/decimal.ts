/**
 * Correctly rounded decimal to double conversion for the numbers Python's repr writes in 16 to 19
 * significant digits (17 digits are common: 0.14285714285714285), which Clinger's one-operation
 * fast path in metricLine.ts cannot take (m ≥ 2^53). Without it those went through Number() on a
 * string sliced from the chunk, about 90 ns each. Exactness is held by differential tests against
 * JSON.parse (test/unit/core/ingest/metricLine.test.ts); in doubt, this gives up and the caller
 * uses Number().
 */

/** 10^0 … 10^4. */
const POW10 = [1, 10, 100, 1000, 10000];
/** 5^0 … 5^22, exact doubles (5^22 < 2^53). */
const POW5 = Array.from({ length: 23 }, (_, i) => 5 ** i);
/** 2^-0 … 2^-22. */
const POW2_NEG = Array.from({ length: 23 }, (_, i) => 2 ** -i);
const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Which of u32's two words holds a double's sign, exponent and top of the mantissa. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The double nearest M / 10^k, M = hi·10^loDigits + lo (16 to 19 digits, ≥ 2^53; loDigits 1-4),
 * k in 0…22, correctly rounded (ties to even) as Number() would give it; undefined (use Number())
 * in the rare cases this cannot settle cheaply: within 2^-40 of a tie, or just below a power of two.
 *
 * M / 10^k = (M / 5^k) · 2^-k, and scaling by 2^-k is exact, so it rounds M / D, D = 5^k < 2^53,
 * an exact double. M is held exactly as xh + xl (TwoSum); q = fl(xh / D) is within one unit in the
 * last place (u) of the true quotient, and the exact residual M - q·D (Dekker's TwoProduct, no FMA
 * needed) says whether the nearest double is q, q + u or q - u: |residual| below D·u/2 keeps q.
 */
export function exactDivide(hi: number, lo: number, loDigits: number, k: number): number | undefined {
  const b = POW10[loDigits]!;
  // M = hi·b + lo, each product exact: hi = hH·2^26 + hL with hH < 2^24, hL < 2^26, b ≤ 10^4.
  const hL = hi % 67108864;
  const hH = (hi - hL) / 67108864;
  const x = hH * b * 67108864;
  const y = hL * b + lo;
  const xh = x + y;
  const xl = y - (xh - x); // Fast2Sum (x > y since lo < b): M = xh + xl exactly
  if (k === 0) return xh; // the sum rounded once: M's nearest double
  const d = POW5[k]!;
  const q = xh / d;
  // q·d = ph + pl exactly (Dekker).
  const ph = q * d;
  let t = SPLIT * q;
  const qh = t - (t - q);
  const ql = q - qh;
  t = SPLIT * d;
  const dh = t - (t - d);
  const dl = d - dh;
  const pl = qh * dh - ph + qh * dl + ql * dh + ql * dl;
  // residual = M - q·d = (xh - ph) + xl - pl; xh - ph is exact (Sterbenz), the rest is rounded
  // by at most a few units of 2^-53 of its terms, which `slack` bounds generously.
  const r1 = xh - ph;
  const residual = r1 + xl - pl;
  const slack = (Math.abs(r1) + Math.abs(xl) + Math.abs(pl)) * 2 ** -40;
  // Below a power of two the doubles are twice as dense: left to Number().
  if (residual < 0 && isPowerOfTwo(q)) return undefined;
  const u = ulpOf(q);
  const half = (d * u) / 2;
  let v: number;
  if (Math.abs(residual) < half - slack) v = q;
  else if (residual > half + slack && residual < 3 * half - slack) v = q + u;
  else if (residual < -half - slack && residual > -3 * half + slack) v = q - u;
  else return undefined;
  return v * POW2_NEG[k]!;
}

/** The spacing of doubles at x (a positive normal double): 2^(exponent - 52). */
function ulpOf(x: number): number {
  f64[0] = x;
  return 2 ** (((u32[HIGH]! >>> 20) & 0x7ff) - 1075);
}

function isPowerOfTwo(x: number): boolean {
  f64[0] = x;
  return (u32[HIGH]! & 0xfffff) === 0 && u32[1 - HIGH] === 0;
}
