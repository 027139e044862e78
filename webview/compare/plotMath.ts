/**
 * Pure helpers of the scatter and parallel-coordinates plots (node-tested): a column's values
 * become positions in [0, 1], numerically when every present value is a number (params are
 * text, as in MLflow, but usually spell numbers), else as sorted categories.
 */
import type { Cell } from '../../src/protocol/webview/compare';
import { cellNumber } from './viewModel';

export interface AxisScale {
  kind: 'number' | 'category';
  /** Position in [0, 1] per row; NaN when missing or not finite. */
  pos: number[];
  /** Numbers: [min, max]; categories: the sorted labels. */
  min: number;
  max: number;
  categories: string[];
}

function numeric(v: Cell | undefined): number | undefined {
  const n = cellNumber(v);
  if (n !== undefined) return n;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function axisScale(values: readonly (Cell | undefined)[]): AxisScale {
  const present = values.filter((v) => v !== null && v !== undefined);
  const allNumeric = present.length > 0 && present.every((v) => numeric(v) !== undefined);
  if (allNumeric) {
    const nums = values.map((v) => (v === null || v === undefined ? NaN : numeric(v)!));
    let min = Infinity;
    let max = -Infinity;
    for (const n of nums) if (Number.isFinite(n)) [min, max] = [Math.min(min, n), Math.max(max, n)];
    const span = max - min || 1;
    return { kind: 'number', pos: nums.map((n) => (Number.isFinite(n) ? (n - min) / span : NaN)), min, max, categories: [] };
  }
  const categories = [...new Set(present.map(String))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const denom = Math.max(1, categories.length - 1);
  return {
    kind: 'category',
    pos: values.map((v) => (v === null || v === undefined ? NaN : categories.length === 1 ? 0.5 : index.get(String(v))! / denom)),
    min: 0,
    max: categories.length - 1,
    categories,
  };
}

/**
 * How a scatter point is drawn: large and opaque enough to read at a glance (3,000 runs of 1 px
 * grey dots read as noise). Selected runs are bigger and solid, in their run color; the others
 * take the theme's chart color, fainter once a selection exists so the selection stands out.
 */
export function scatterPointStyle(selected: boolean, anySelected: boolean): { radius: number; alpha: number } {
  if (selected) return { radius: 5, alpha: 1 };
  return { radius: 3.5, alpha: anySelected ? 0.45 : 0.75 };
}

/** The scatter's left margin: room for the widest y tick label (measured), within [min, max]. */
export function scatterLeftMargin(labelWidths: readonly number[], min = 36, max = 160): number {
  const widest = labelWidths.reduce((a, b) => Math.max(a, b), 0);
  return Math.round(Math.min(max, Math.max(min, widest + 12)));
}
