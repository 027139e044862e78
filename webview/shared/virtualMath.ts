/**
 * The arithmetic of the virtualized grid, DOM-free so node tests cover it. Rows have one fixed
 * height (a range is two divisions); columns have their own widths, so their offsets are prefix
 * sums searched by bisection. A library (e.g. @tanstack/virtual-core) would add measuring and
 * observers the grid does not need: it knows every size up front.
 */

export interface Range {
  /** First index, inclusive. */
  start: number;
  /** Last index, exclusive. */
  end: number;
}

/** Rows visible in a viewport of `height` scrolled to `top`, widened by `overscan` each side. */
export function rowRange(top: number, height: number, rowHeight: number, count: number, overscan = 4): Range {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, top) / rowHeight);
  const last = Math.ceil((Math.max(0, top) + Math.max(0, height)) / rowHeight);
  return { start: clamp(first - overscan, 0, count), end: clamp(last + overscan, 0, count) };
}

/** offsets[i] = left edge of column i; offsets[n] = total width. */
export function prefixOffsets(widths: readonly number[]): number[] {
  const out = new Array<number>(widths.length + 1);
  out[0] = 0;
  for (let i = 0; i < widths.length; i++) out[i + 1] = out[i]! + widths[i]!;
  return out;
}

/** Index of the column containing x (the last column for x past the end). */
export function columnAt(offsets: readonly number[], x: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Scrolling columns (those after `pinned`) that intersect the viewport [left, left + width) once
 * the pinned block (which covers the viewport's left edge) is accounted for.
 */
export function columnRange(offsets: readonly number[], pinned: number, left: number, width: number, overscan = 1): Range {
  const n = offsets.length - 1;
  if (pinned >= n) return { start: n, end: n };
  const pinnedWidth = offsets[pinned]!;
  // Scrolling column i is drawn at offsets[i] - scrollLeft; visible where that lies right of the pinned block.
  const from = Math.max(offsets[pinned]!, left + pinnedWidth);
  const to = left + width;
  const start = Math.max(pinned, columnAt(offsets, from) - overscan);
  const end = Math.min(n, columnAt(offsets, Math.max(from, to - 1)) + 1 + overscan);
  return { start, end: Math.max(start, end) };
}

export interface Cursor {
  row: number;
  col: number;
}

/** Where a navigation key moves the active cell; undefined for keys the grid does not handle. */
export function moveCursor(c: Cursor, key: string, ctrl: boolean, rows: number, cols: number, pageRows: number): Cursor | undefined {
  const r = (row: number, col: number): Cursor => ({ row: clamp(row, 0, Math.max(0, rows - 1)), col: clamp(col, 0, Math.max(0, cols - 1)) });
  switch (key) {
    case 'ArrowUp':
      return r(c.row - 1, c.col);
    case 'ArrowDown':
      return r(c.row + 1, c.col);
    case 'ArrowLeft':
      return r(c.row, c.col - 1);
    case 'ArrowRight':
      return r(c.row, c.col + 1);
    case 'PageUp':
      return r(c.row - Math.max(1, pageRows), c.col);
    case 'PageDown':
      return r(c.row + Math.max(1, pageRows), c.col);
    // As in spreadsheets: Home/End move within the row, with Ctrl to the first/last row.
    case 'Home':
      return ctrl ? r(0, 0) : r(c.row, 0);
    case 'End':
      return ctrl ? r(rows - 1, cols - 1) : r(c.row, cols - 1);
    default:
      return undefined;
  }
}

/** The scrollTop that brings row into view with the fewest pixels scrolled (headerHeight covers the top). */
export function scrollToReveal(top: number, viewport: number, rowTop: number, rowHeight: number, headerHeight: number): number {
  if (rowTop < top) return rowTop;
  const visibleBody = viewport - headerHeight;
  if (rowTop + rowHeight > top + visibleBody) return rowTop + rowHeight - visibleBody;
  return top;
}

/** Moves item `from` to index `to` (reordering columns). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(clamp(to, 0, out.length), 0, item!);
  return out;
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** The modifier and key fields of a keydown, so this stays DOM-free. */
export interface KeyChord {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Ctrl+A, or Cmd+A on macOS (either key, as the browser reports `a` or `A` with Caps Lock). */
export function isSelectAll(e: KeyChord): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a';
}
