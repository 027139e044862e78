import { type ColumnAccumulator, type ProfileOptions, collectTable } from './profile';
import type { TableReader } from './table';
import type { ColumnType } from './values';

/**
 * Drift between two versions of a table, per column:
 * - numbers: two-sample Kolmogorov–Smirnov statistic D (with its asymptotic p-value) and the
 *   Population Stability Index over bins cut at the reference's deciles;
 * - categories: Jensen–Shannon distance (base 2, in [0, 1]) and total variation distance.
 * `score` (KS D or JS distance, both in [0, 1]) ranks the columns by how much they moved.
 */

export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical';
  type_a: ColumnType;
  type_b: ColumnType;
  score: number;
  ks?: number;
  ks_p_value?: number;
  psi?: number;
  js_distance?: number;
  tvd?: number;
  /** Share of missing values in each version. */
  missing_a: number;
  missing_b: number;
  /** True when numeric measures come from a sample of the values. */
  sampled: boolean;
}

export interface TableDrift {
  rows_a: number;
  rows_b: number;
  /** Columns in both versions, most drifted first. */
  columns: ColumnDrift[];
  columns_added: string[];
  columns_removed: string[];
}

/** Empty bins get this share, so PSI stays finite (the usual convention). */
export const PSI_EPSILON = 1e-4;

function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Two-sample KS statistic: the largest gap between the two empirical CDFs. */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sorted(a);
  const y = sorted(b);
  if (x.length === 0 || y.length === 0) return x.length === y.length ? 0 : 1;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Asymptotic p-value of a KS statistic (Kolmogorov distribution, Stephens' small-sample correction). */
export function ksPValue(d: number, n: number, m: number): number {
  if (n === 0 || m === 0) return 1;
  const ne = (n * m) / (n + m);
  const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * d;
  if (lambda < 1e-3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-10) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Bin edges at the reference's quantiles i/bins (lower order statistic), repeats removed. */
export function quantileEdges(reference: ArrayLike<number>, bins: number): number[] {
  const s = sorted(reference);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = s[Math.floor((i * s.length) / bins)];
    if (e !== undefined && (edges.length === 0 || e > edges[edges.length - 1]!)) edges.push(e);
  }
  return edges;
}

/** Share of values per bin; bin k holds edges[k-1] <= x < edges[k] (open-ended at both ends). */
export function binShares(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[i]! >= edges[mid]!) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts.map((c) => (values.length ? c / values.length : 0));
}

/** PSI = Σ (cur − ref) · ln(cur / ref) over the reference's decile bins. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10): number {
  const edges = quantileEdges(reference, bins);
  const r = binShares(reference, edges);
  const c = binShares(current, edges);
  let total = 0;
  for (let k = 0; k < r.length; k++) {
    const rk = r[k]! || PSI_EPSILON;
    const ck = c[k]! || PSI_EPSILON;
    total += (ck - rk) * Math.log(ck / rk);
  }
  return total;
}

/** Jensen–Shannon distance (sqrt of the base-2 divergence) and total variation distance of two count maps. */
export function categoricalDistance(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): { js_distance: number; tvd: number } {
  const na = sum(a);
  const nb = sum(b);
  if (na === 0 || nb === 0) return na === nb ? { js_distance: 0, tvd: 0 } : { js_distance: 1, tvd: 1 };
  let js = 0;
  let tvd = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const p = (a.get(key) ?? 0) / na;
    const q = (b.get(key) ?? 0) / nb;
    const m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * Math.log2(p / m);
    if (q > 0) js += 0.5 * q * Math.log2(q / m);
    tvd += Math.abs(p - q) / 2;
  }
  return { js_distance: Math.sqrt(Math.max(0, Math.min(1, js))), tvd };
}

function sum(m: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/** Category counts with values past the tracking cap folded into one bucket. */
function categoryCounts(acc: ColumnAccumulator): Map<string, number> {
  if (acc.untracked === 0) return acc.categories;
  return new Map([...acc.categories, ['\u0000(other values)', acc.untracked]]);
}

export function columnDrift(a: ColumnAccumulator, b: ColumnAccumulator): ColumnDrift {
  const base = {
    column: a.name,
    type_a: a.type,
    type_b: b.type,
    missing_a: a.count ? a.kinds.missing / a.count : 0,
    missing_b: b.count ? b.kinds.missing / b.count : 0,
  };
  if (a.numeric && b.numeric) {
    const x = a.sample.values();
    const y = b.sample.values();
    const ks = ksStatistic(x, y);
    return {
      ...base,
      kind: 'numeric',
      score: ks,
      ks,
      ks_p_value: ksPValue(ks, x.length, y.length),
      psi: psi(x, y),
      sampled: a.sample.sampled || b.sample.sampled,
    };
  }
  const d = categoricalDistance(categoryCounts(a), categoryCounts(b));
  return { ...base, kind: 'categorical', score: d.js_distance, ...d, sampled: false };
}

/** Compares two versions of a table (A is the reference) column by column. */
export async function tableDrift(a: TableReader, b: TableReader, options: ProfileOptions = {}): Promise<TableDrift> {
  const [ca, cb] = [await collectTable(a, options), await collectTable(b, options)];
  const byName = new Map(cb.columns.map((c) => [c.name, c]));
  const inA = new Set(ca.columns.map((c) => c.name));
  const columns = ca.columns.filter((c) => byName.has(c.name)).map((c) => columnDrift(c, byName.get(c.name)!));
  columns.sort((x, y) => y.score - x.score || (y.psi ?? 0) - (x.psi ?? 0) || (x.column < y.column ? -1 : 1));
  return {
    rows_a: ca.rows,
    rows_b: cb.rows,
    columns,
    columns_added: cb.columns.filter((c) => !inA.has(c.name)).map((c) => c.name),
    columns_removed: ca.columns.filter((c) => !byName.has(c.name)).map((c) => c.name),
  };
}
