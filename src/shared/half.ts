// IEEE 754 half precision <-> number, for FP16 tensors carried as their 16-bit patterns: the model
// server's tensors and the monitor's logged ones.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The FP16 bit pattern nearest to `value` (round half to even). */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> signed zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  // Round half to even on the 13 dropped bits; a carry rolls into the exponent (up to Inf), as it should.
  const half = sign | (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  return half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0);
}

/** A half-precision float (FP16 bits in the low 16 bits of `h`) as a number. */
export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
