// The seedable PRNG of src/core/random.ts (mulberry32) for scripts that run before, or without,
// any TypeScript build: `npm run demo` (from a prebuilt VSIX too) and benchmarks run by hand.
// test/scripts/prng.test.mjs holds it to the same sequence as the compiled src/core/random.ts.

/**
 * mulberry32: deterministic numbers in [0, 1), so generated data is the same on every run.
 * @param {number} seed
 * @returns {() => number}
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
