/**
 * DOM-free view-model of the data preview: the page cache behind the virtualized table,
 * formatting, histogram bars, drift levels. Unit-tested in test/unit/data-ui/.
 */
import { type ColumnDriftData, type DiffData, type JsonCell, PAGE_SIZE, type PageData } from '../../src/protocol/webview/dataPreview';

/**
 * Rows loaded so far, by page. The grid asks for a visible range; `missing` says which pages
 * to request (each once). While the end is unknown (CSV, JSONL) the grid shows one extra page
 * of placeholders, so scrolling to the bottom loads more.
 */
export class PageCache {
  columns: string[] = [];
  private readonly pages = new Map<number, JsonCell[][]>();
  private readonly requested = new Set<number>();
  private total: number | null = null;
  private loadedEnd = 0;

  constructor(readonly pageSize = PAGE_SIZE) {}

  /** Rows the grid should show. */
  rowCount(): number {
    if (this.total !== null) return this.total;
    return this.loadedEnd + (this.pages.size === 0 ? 0 : this.pageSize);
  }

  /** Rows up to the furthest loaded page (what the header counts while the end is unknown). */
  get loadedRows(): number {
    return this.loadedEnd;
  }

  /** True once the row count is exact. */
  get known(): boolean {
    return this.total !== null;
  }

  /**
   * The header's row count. While the end is unknown it says how many rows are loaded and that
   * there are more, not "200+", which read as a total that disagreed with the profile's count.
   */
  rowCountText(): string {
    if (this.total !== null) return `${this.total.toLocaleString('en-US')} row${this.total === 1 ? '' : 's'}`;
    return `first ${this.loadedEnd.toLocaleString('en-US')} rows loaded, scroll for more`;
  }

  add(page: Pick<PageData, 'columns' | 'rows' | 'offset' | 'total' | 'done'>): void {
    if (page.columns.length >= this.columns.length) this.columns = page.columns;
    const start = Math.floor(page.offset / this.pageSize) * this.pageSize;
    this.pages.set(start, page.rows);
    this.requested.delete(start);
    this.loadedEnd = Math.max(this.loadedEnd, page.offset + page.rows.length);
    if (page.total !== null) this.total = page.total;
    else if (page.done) this.total = page.offset + page.rows.length;
  }

  /** Page offsets covering rows [start, end) that are neither loaded nor requested; marks them requested. */
  missing(start: number, end: number): number[] {
    const out: number[] = [];
    const last = this.total !== null ? Math.min(end, this.total) : end;
    for (let p = Math.floor(start / this.pageSize) * this.pageSize; p < last; p += this.pageSize) {
      if (!this.pages.has(p) && !this.requested.has(p)) {
        this.requested.add(p);
        out.push(p);
      }
    }
    return out;
  }

  /** A cell, or undefined while its page is not loaded. */
  cell(row: number, col: number): JsonCell | undefined {
    const start = Math.floor(row / this.pageSize) * this.pageSize;
    const page = this.pages.get(start);
    if (!page) return undefined;
    const r = page[row - start];
    if (!r) return undefined;
    return r[col] ?? null;
  }

  /** Forget a failed request so it can be retried. */
  failed(offset: number): void {
    this.requested.delete(Math.floor(offset / this.pageSize) * this.pageSize);
  }
}

export function formatCell(v: JsonCell | undefined): string {
  if (v === undefined) return '…';
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatNumber(v);
  return String(v);
}

/** Up to 6 significant digits, without trailing zeros; large/small numbers in exponent form. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (100 * part) / whole;
  return p === 0 ? '0%' : p < 0.1 ? '<0.1%' : `${p < 10 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Bar heights in percent of the tallest bin (a non-empty bin is at least 2%, so it stays visible). */
export function histogramBars(counts: readonly number[]): number[] {
  const max = Math.max(0, ...counts);
  if (max === 0) return counts.map(() => 0);
  return counts.map((c) => (c === 0 ? 0 : Math.max(2, (100 * c) / max)));
}

export type DriftLevel = 'none' | 'low' | 'medium' | 'high';

/**
 * How much a column moved, for colouring the ranked list: PSI's usual cut-offs (0.1, 0.25) for
 * numbers; for categories the JS distance, and for numbers without PSI the KS statistic (0.1, 0.2).
 */
export function driftLevel(c: Pick<ColumnDriftData, 'kind' | 'score' | 'psi'>): DriftLevel {
  if (c.kind === 'numeric' && c.psi !== undefined && Number.isFinite(c.psi)) {
    return c.psi >= 0.25 ? 'high' : c.psi >= 0.1 ? 'medium' : c.psi > 0.01 ? 'low' : 'none';
  }
  return c.score >= 0.2 ? 'high' : c.score >= 0.1 ? 'medium' : c.score > 0.01 ? 'low' : 'none';
}

/** "2 added · 1 removed · 3 modified" (or "no changes"). */
export function diffSummary(d: Pick<DiffData, 'added' | 'removed' | 'modified'>): string {
  const parts = [
    d.added.length ? `${d.added.length} added` : '',
    d.removed.length ? `${d.removed.length} removed` : '',
    d.modified.length ? `${d.modified.length} modified` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no changes';
}

/** "1,000 → 1,200 (+200)" for row counts; '—' parts when unknown. */
export function rowChange(a: number | null, b: number | null): string {
  const f = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US'));
  if (a === null || b === null) return `${f(a)} → ${f(b)}`;
  const d = b - a;
  return `${f(a)} → ${f(b)} (${d >= 0 ? '+' : ''}${d.toLocaleString('en-US')})`;
}

/**
 * A column whose first rows hold only numbers (and blanks) is a column of figures: its heading and
 * cells are right-aligned together, so the heading sits over the figures' edge.
 */
export function isNumericColumn(samples: readonly JsonCell[]): boolean {
  const present = samples.filter((s) => s !== null && s !== undefined);
  return present.length > 0 && present.every((s) => typeof s === 'number');
}

/** Column width for a table preview from its header and first rows (px, clamped). */
export function columnWidth(name: string, samples: readonly JsonCell[]): number {
  const longest = Math.max(name.length + 2, ...samples.map((s) => formatCell(s).length));
  return Math.min(320, Math.max(64, 8 * longest + 16));
}
