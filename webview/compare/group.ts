/**
 * Group-by for the comparison table (pure, node-tested): runs grouped by one column's value, with
 * per-group count and mean/min/max of each numeric column. Missing values form their own group.
 */
import type { Cell } from '../../src/protocol/webview/compare';
import { cellNumber } from './viewModel';

export interface Stat {
  n: number;
  mean: number;
  min: number;
  max: number;
}

export interface Group {
  /** The shared value, or null for runs without the column. */
  key: string | null;
  count: number;
  runIds: string[];
  stats: Record<string, Stat | undefined>;
}

export const MISSING_LABEL = '(none)';

export function groupRows(
  ids: readonly string[],
  groupValues: readonly (Cell | undefined)[],
  columns: Readonly<Record<string, readonly (Cell | undefined)[]>>,
): Group[] {
  const groups = new Map<string | null, Group>();
  const sums = new Map<Group, Record<string, number>>();
  ids.forEach((id, r) => {
    const v = groupValues[r];
    const key = v === null || v === undefined ? null : String(v);
    let g = groups.get(key);
    if (!g) {
      g = { key, count: 0, runIds: [], stats: {} };
      groups.set(key, g);
      sums.set(g, {});
    }
    g.count++;
    g.runIds.push(id);
    const sum = sums.get(g)!;
    for (const [col, values] of Object.entries(columns)) {
      const n = cellNumber(values[r] ?? null);
      // Only finite values aggregate; NaN/±Inf would poison the mean.
      if (n === undefined || !Number.isFinite(n)) continue;
      const s = (g.stats[col] ??= { n: 0, mean: 0, min: Infinity, max: -Infinity });
      s.n++;
      s.min = Math.min(s.min, n);
      s.max = Math.max(s.max, n);
      sum[col] = (sum[col] ?? 0) + n;
    }
  });
  for (const [g, sum] of sums) for (const [col, total] of Object.entries(sum)) g.stats[col]!.mean = total / g.stats[col]!.n;
  return [...groups.values()].sort(compareKeys);
}

/** Numbers in numeric order, then text, missing last. */
function compareKeys(a: Group, b: Group): number {
  if (a.key === null || b.key === null) return a.key === b.key ? 0 : a.key === null ? 1 : -1;
  const na = Number(a.key);
  const nb = Number(b.key);
  const an = a.key.trim() !== '' && Number.isFinite(na);
  const bn = b.key.trim() !== '' && Number.isFinite(nb);
  if (an && bn) return na - nb;
  if (an !== bn) return an ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The filter clause that selects a group's runs (for drilling into it). */
export function groupFilter(columnId: string, key: string | null): string {
  if (key === null) return '';
  return `${columnId} = '${key.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
