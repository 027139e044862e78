// Summaries of per-pair ratios for the benchmarks: median, quartiles, and a bootstrap confidence
// interval of the median (resampling the pairs), so a reported cost comes with how well it is known.

import { prng } from '../../scripts/lib/prng.mjs';

export function quantile(xs, q) {
  const v = [...xs].sort((a, b) => a - b);
  if (!v.length) return NaN;
  const at = (v.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return v[lo] + (v[hi] - v[lo]) * (at - lo);
}

export const median = (xs) => quantile(xs, 0.5);

/** Percentile bootstrap interval (default 95%) of the median of `xs`, from `resamples` resamples with replacement. */
export function bootstrapMedianCi(xs, { level = 0.95, resamples = 4000, seed = 1 } = {}) {
  if (xs.length < 2) return [NaN, NaN];
  // Seeded, so a run's interval can be recomputed from its printed ratios.
  const rand = prng(seed);
  const medians = [];
  for (let r = 0; r < resamples; r++) {
    const s = [];
    for (let i = 0; i < xs.length; i++) s.push(xs[Math.floor(rand() * xs.length)]);
    medians.push(median(s));
  }
  return [quantile(medians, (1 - level) / 2), quantile(medians, 1 - (1 - level) / 2)];
}

/** Median, quartiles and the bootstrap 95% interval of the median, rounded to `d` decimals. */
export function summarize(xs, d = 3) {
  const r = (x) => Math.round(x * 10 ** d) / 10 ** d;
  const [lo, hi] = bootstrapMedianCi(xs);
  return { n: xs.length, median: r(median(xs)), q25: r(quantile(xs, 0.25)), q75: r(quantile(xs, 0.75)), ci95_median: [r(lo), r(hi)] };
}
