import { DistinctCounter, Reservoir } from './sketch';
import type { Cell, TableFormat, TableReader } from './table';
import { type ColumnType, type KindCounts, classify, emptyKindCounts, inferType } from './values';

export interface ProfileOptions {
  /** Distinct values counted exactly up to this many, then estimated (HyperLogLog). */
  distinctCap?: number;
  /** Category counts tracked per column (top values, categorical drift); later new values are lumped together. */
  categoryCap?: number;
  /** Numbers kept for the histogram and drift; beyond it a uniform sample. */
  sampleSize?: number;
  histogramBins?: number;
  topValues?: number;
  signal?: AbortSignal;
  onProgress?: (rowsDone: number) => void;
}

export const DEFAULTS = { distinctCap: 100_000, categoryCap: 10_000, sampleSize: 100_000, histogramBins: 20, topValues: 10 };

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Rows, including missing values. */
  count: number;
  missing: number;
  distinct: number;
  /** True when `distinct` is a HyperLogLog estimate (more than distinctCap values). */
  distinct_approximate: boolean;
  /** Numeric columns only; std is the sample standard deviation (n − 1), null below 2 values. */
  min?: number;
  max?: number;
  mean?: number;
  std?: number | null;
  /** Numeric columns: equal-width bins over [min, max]; `sampled` when counts come from a sample. */
  histogram?: { edges: number[]; counts: number[]; sampled: boolean };
  /** Non-numeric columns: most frequent values, most frequent first. */
  top?: { value: string; count: number }[];
  top_approximate?: boolean;
}

export interface TableProfile {
  name: string;
  format: TableFormat;
  rows: number;
  columns: ColumnProfile[];
}

/** Everything one pass over a column collects; profiles and drift both read it. */
export class ColumnAccumulator {
  count = 0;
  readonly kinds: KindCounts = emptyKindCounts();
  private mean = 0;
  private m2 = 0;
  private n = 0;
  min = Infinity;
  max = -Infinity;
  readonly sample: Reservoir;
  readonly distinct: DistinctCounter;
  /**
   * Category counts for at most categoryCap values (a wide table of unique numbers would
   * otherwise hold millions of entries); later new values land in `untracked`.
   */
  readonly categories = new Map<string, number>();
  untracked = 0;

  constructor(
    readonly name: string,
    private readonly opts: Required<Pick<ProfileOptions, 'distinctCap' | 'categoryCap' | 'sampleSize'>>,
  ) {
    this.sample = new Reservoir(opts.sampleSize);
    this.distinct = new DistinctCounter(opts.distinctCap);
  }

  /** Counts `rows` rows before this column first appeared (JSONL) as missing. */
  addMissing(rows: number): void {
    this.count += rows;
    this.kinds.missing += rows;
  }

  add(v: Cell, untyped: boolean): void {
    this.count++;
    const c = classify(v, untyped);
    if (c.kind === 'missing') {
      this.kinds.missing++;
      return;
    }
    this.kinds[c.kind]++;
    if (c.kind === 'number') {
      if (Number.isInteger(c.num)) this.kinds.integer++;
      if (Number.isFinite(c.num)) {
        // Welford's update: stable where sum-of-squares cancels catastrophically.
        this.n++;
        const d = c.num - this.mean;
        this.mean += d / this.n;
        this.m2 += d * (c.num - this.mean);
        if (c.num < this.min) this.min = c.num;
        if (c.num > this.max) this.max = c.num;
        this.sample.add(c.num);
      }
    }
    this.distinct.add(c.key);
    const seen = this.categories.get(c.key);
    if (seen !== undefined) this.categories.set(c.key, seen + 1);
    else if (this.categories.size < this.opts.categoryCap) this.categories.set(c.key, 1);
    else this.untracked++;
  }

  get type(): ColumnType {
    return inferType(this.kinds, this.count);
  }

  get numeric(): boolean {
    const t = this.type;
    return t === 'integer' || t === 'number';
  }

  finish(bins: number, topN: number): ColumnProfile {
    const p: ColumnProfile = {
      name: this.name,
      type: this.type,
      count: this.count,
      missing: this.kinds.missing,
      distinct: this.distinct.count(),
      distinct_approximate: this.distinct.approximate,
    };
    if (this.numeric && this.n > 0) {
      p.min = this.min;
      p.max = this.max;
      p.mean = this.mean;
      p.std = this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : null;
      p.histogram = histogram(this.sample.values(), this.min, this.max, bins, this.sample.sampled);
    } else if (!this.numeric) {
      p.top = [...this.categories]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, topN)
        .map(([value, count]) => ({ value, count }));
      p.top_approximate = this.untracked > 0;
    }
    return p;
  }
}

/** Equal-width bins over [min, max]; the last bin includes max. */
export function histogram(
  values: ArrayLike<number>,
  min: number,
  max: number,
  bins: number,
  sampled: boolean,
): { edges: number[]; counts: number[]; sampled: boolean } {
  if (min === max) return { edges: [min, max], counts: [values.length], sampled };
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.floor((values[i]! - min) / width));
    counts[b]!++;
  }
  return { edges, counts, sampled };
}

export interface CollectedTable {
  rows: number;
  columns: ColumnAccumulator[];
}

/** One pass over a table, feeding every column's accumulator. */
export async function collectTable(reader: TableReader, options: ProfileOptions = {}): Promise<CollectedTable> {
  const opts = {
    distinctCap: options.distinctCap ?? DEFAULTS.distinctCap,
    categoryCap: options.categoryCap ?? DEFAULTS.categoryCap,
    sampleSize: options.sampleSize ?? DEFAULTS.sampleSize,
  };
  const columns: ColumnAccumulator[] = [];
  let rows = 0;
  for await (const batch of reader.batches(options.signal)) {
    while (columns.length < batch.columns.length) {
      const acc = new ColumnAccumulator(batch.columns[columns.length]!, opts);
      acc.addMissing(rows);
      columns.push(acc);
    }
    for (const row of batch.rows) {
      for (let c = 0; c < columns.length; c++) columns[c]!.add(row[c], reader.untyped);
    }
    rows += batch.rows.length;
    options.onProgress?.(rows);
  }
  return { rows, columns };
}

/** Per-column profile of a whole table (one streaming pass, bounded memory). */
export async function profileTable(reader: TableReader, options: ProfileOptions = {}): Promise<TableProfile> {
  const { rows, columns } = await collectTable(reader, options);
  const bins = options.histogramBins ?? DEFAULTS.histogramBins;
  const top = options.topValues ?? DEFAULTS.topValues;
  return { name: reader.name, format: reader.format, rows, columns: columns.map((c) => c.finish(bins, top)) };
}
