/**
 * Bounded-memory summaries for columns of any length: a seeded reservoir sample (so profiles
 * and drift are reproducible), and a distinct counter that is exact up to a cap and a
 * HyperLogLog estimate beyond it.
 */

import { prng } from '../random';

/** Algorithm R: every value seen has the same chance to be in the sample. */
export class Reservoir {
  private readonly data: Float64Array;
  private filled = 0;
  seen = 0;
  private readonly random: () => number;
  constructor(
    readonly capacity: number,
    seed = 0x5eed,
  ) {
    this.data = new Float64Array(capacity);
    this.random = prng(seed);
  }
  add(x: number): void {
    this.seen++;
    if (this.filled < this.capacity) {
      this.data[this.filled++] = x;
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.capacity) this.data[j] = x;
  }
  get sampled(): boolean {
    return this.seen > this.capacity;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.filled);
  }
}

/** FNV-1a then murmur3's finalizer: cheap, and mixes well enough for HyperLogLog. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const P = 14;
const M = 1 << P;

export class HyperLogLog {
  private readonly registers = new Uint8Array(M);
  add(s: string): void {
    const h = hash32(s);
    const idx = h >>> (32 - P);
    const rest = (h << P) >>> 0;
    const rank = rest === 0 ? 32 - P + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < M; i++) {
      sum += 2 ** -this.registers[i]!;
      if (this.registers[i] === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / M);
    const e = (alpha * M * M) / sum;
    if (e <= 2.5 * M && zeros > 0) return Math.round(M * Math.log(M / zeros));
    const two32 = 2 ** 32;
    if (e > two32 / 30) return Math.round(-two32 * Math.log(1 - e / two32));
    return Math.round(e);
  }
}

/** Exact while there are at most `cap` distinct values, then a HyperLogLog estimate (~1% error). */
export class DistinctCounter {
  private exact: Set<string> | undefined = new Set();
  private hll: HyperLogLog | undefined;
  constructor(readonly cap: number) {}
  add(key: string): void {
    if (this.exact) {
      this.exact.add(key);
      if (this.exact.size <= this.cap) return;
      this.hll = new HyperLogLog();
      for (const k of this.exact) this.hll.add(k);
      this.exact = undefined;
      return;
    }
    this.hll!.add(key);
  }
  get approximate(): boolean {
    return this.exact === undefined;
  }
  count(): number {
    return this.exact ? this.exact.size : this.hll!.estimate();
  }
}
