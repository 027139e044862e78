/**
 * Drift of live inputs (rows from the request log) against the training table, per feature, with the
 * same measures as drift between two snapshots (src/core/data/drift.ts: KS and PSI for numbers,
 * Jensen–Shannon for categories, `score` to rank). Numeric features also get a Jensen–Shannon
 * distance over the training deciles, so every row of `mlwb monitor --json` has psi, ks and js.
 * Features are named after the training table's columns in input order (column i = feature i).
 */
import { ColumnAccumulator, DEFAULTS, collectTable } from '../data/profile';
import { binShares, categoricalDistance, columnDrift, quantileEdges } from '../data/drift';
import type { TableReader } from '../data/table';

export interface FeatureHistogram {
  /** Numeric: equal-width bin edges over both samples' range; categorical: the labels. */
  edges?: number[];
  labels?: string[];
  /** Share of rows per bin (0..1), training then live. */
  training: number[];
  live: number[];
}

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  /** KS D (numeric) or JS distance (categorical), in [0, 1]: the rank, as in snapshot drift. */
  score: number;
  psi: number | null;
  ks: number | null;
  ks_p_value: number | null;
  js: number;
  live_rows: number;
  histogram: FeatureHistogram;
}

export interface LiveDrift {
  training_rows: number;
  live_rows: number;
  /** Features, worst first. */
  features: FeatureDrift[];
  /** Set when the live input width and the training columns disagree. */
  note?: string;
}

const HIST_BINS = 20;

function numericHistogram(a: Float64Array, b: Float64Array): FeatureHistogram {
  let min = Infinity;
  let max = -Infinity;
  for (const arr of [a, b]) {
    for (const v of arr) {
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (!Number.isFinite(min)) return { edges: [], training: [], live: [] };
  const width = max > min ? (max - min) / HIST_BINS : 1;
  const edges = Array.from({ length: HIST_BINS + 1 }, (_, i) => min + i * width);
  const shares = (arr: Float64Array): number[] => {
    const counts = new Array<number>(HIST_BINS).fill(0);
    for (const v of arr) if (Number.isFinite(v)) counts[Math.min(HIST_BINS - 1, Math.floor((v - min) / width))]!++;
    return counts.map((c) => (arr.length ? c / arr.length : 0));
  };
  return { edges, training: shares(a), live: shares(b) };
}

function categoricalHistogram(a: ColumnAccumulator, b: ColumnAccumulator): FeatureHistogram {
  const labels = [...new Set([...a.categories.keys(), ...b.categories.keys()])]
    .sort((x, y) => (b.categories.get(y) ?? 0) + (a.categories.get(y) ?? 0) - (b.categories.get(x) ?? 0) - (a.categories.get(x) ?? 0))
    .slice(0, HIST_BINS);
  const share = (acc: ColumnAccumulator, l: string): number => (acc.count ? (acc.categories.get(l) ?? 0) / acc.count : 0);
  return { labels, training: labels.map((l) => share(a, l)), live: labels.map((l) => share(b, l)) };
}

/** JS distance of two numeric samples over the reference's decile bins (the bins PSI uses). */
function numericJs(ref: Float64Array, cur: Float64Array): number {
  const edges = quantileEdges(ref, 10);
  const toMap = (shares: number[]): Map<string, number> => new Map(shares.map((s, i) => [String(i), s]));
  return categoricalDistance(toMap(binShares(ref, edges)), toMap(binShares(cur, edges))).js_distance;
}

/** Compares live rows (each `width` values, in input order) with the training table. */
export async function liveDrift(training: TableReader, rows: readonly (readonly unknown[])[], width: number): Promise<LiveDrift> {
  const ref = await collectTable(training);
  const features = ref.columns.slice(0, width);
  const note =
    ref.columns.length < width
      ? `The model takes ${width} features but the training table has ${ref.columns.length} columns; only those are compared.`
      : ref.columns.length > width
        ? `The training table has ${ref.columns.length} columns and the model ${width} inputs: the first ${width} columns are taken as the features (${ref.columns
            .slice(width)
            .map((c) => c.name)
            .join(', ')} left out as targets).`
        : undefined;
  const opts = { distinctCap: DEFAULTS.distinctCap, categoryCap: DEFAULTS.categoryCap, sampleSize: DEFAULTS.sampleSize };
  const out: FeatureDrift[] = features.map((refAcc, i) => {
    const live = new ColumnAccumulator(refAcc.name, opts);
    for (const r of rows) live.add(r[i] as never, false);
    const d = columnDrift(refAcc, live);
    const numeric = d.kind === 'numeric';
    return {
      feature: refAcc.name,
      kind: d.kind,
      score: d.score,
      psi: d.psi ?? null,
      ks: d.ks ?? null,
      ks_p_value: d.ks_p_value ?? null,
      js: numeric ? numericJs(refAcc.sample.values(), live.sample.values()) : d.js_distance!,
      live_rows: live.count,
      histogram: numeric ? numericHistogram(refAcc.sample.values(), live.sample.values()) : categoricalHistogram(refAcc, live),
    };
  });
  out.sort((x, y) => y.score - x.score || (y.psi ?? 0) - (x.psi ?? 0) || (x.feature < y.feature ? -1 : 1));
  return { training_rows: ref.rows, live_rows: rows.length, features: out, ...(note ? { note } : {}) };
}
