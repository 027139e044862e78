/**
 * A framework-free virtualized grid: only the rows and columns in view are in the DOM, so 10,000
 * rows × hundreds of columns cost the same as 40 × 15. Sticky header, pinned (sticky-left)
 * columns, keyboard navigation, row selection by key, column resize and drag-to-reorder.
 * The grid owns no data: it asks `renderCell` to fill each visible cell, and the owner calls
 * `refresh()` when data arrives (e.g. a page loaded for `onVisibleRows`).
 * Styles: virtualTable.css (import it from the view's CSS).
 */
import { attachColumnHandles } from './virtualTableColumns';
import { type Cursor, type Range, clamp, columnRange, isSelectAll, moveCursor, prefixOffsets, rowRange, scrollToReveal } from './virtualMath';

export interface GridColumn {
  id: string;
  width: number;
  /** Pinned columns must come first in the list; they stay put when scrolling sideways. */
  pinned?: boolean;
  align?: 'left' | 'right';
  /** Not draggable and not resizable (e.g. a checkbox column). */
  fixed?: boolean;
}

export interface VirtualTableOptions {
  rowHeight?: number;
  headerHeight?: number;
  /** Accessible name of the grid. */
  label: string;
  /** Fills a visible cell (it arrives empty); leave it empty while the row is not loaded. */
  renderCell(row: number, col: GridColumn, el: HTMLElement): void;
  renderHeader(col: GridColumn, el: HTMLElement): void;
  /** Stable identity of a row (for selection), undefined while unknown. */
  rowKey(row: number): string | undefined;
  onVisibleRows?(range: Range): void;
  onHeaderClick?(col: GridColumn, event: MouseEvent): void;
  onSelectionChange?(keys: ReadonlySet<string>): void;
  /** Enter or double-click on a row. */
  onActivate?(row: number, col: GridColumn): void;
  onColumnResize?(id: string, width: number): void;
  onColumnMove?(id: string, toIndex: number): void;
  rowClass?(row: number): string | undefined;
}

/** What can hold focus inside a cell. */
const FOCUSABLE = 'button, a[href], input, select, textarea, [tabindex]';
export class VirtualTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private columns: GridColumn[] = [];
  private offsets: number[] = [0];
  private pinned = 0;
  private rows = 0;
  private selected = new Set<string>();
  private anchor = 0;
  private cursor: Cursor = { row: 0, col: 0 };
  private frame = 0;
  private lastKey = '';
  private readonly rowHeight: number;
  private readonly headerHeight: number;
  private readonly resize = new ResizeObserver(() => this.schedule());

  constructor(
    host: HTMLElement,
    private readonly opts: VirtualTableOptions,
  ) {
    this.rowHeight = opts.rowHeight ?? 24;
    this.headerHeight = opts.headerHeight ?? 26;
    this.header = el('div', 'vt-header');
    this.header.setAttribute('role', 'row');
    this.body = el('div', 'vt-body');
    this.element = el('div', 'vt');
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', opts.label);
    this.element.setAttribute('aria-multiselectable', 'true');
    this.element.append(this.header, this.body);
    host.append(this.element);
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('click', (e) => this.onClick(e));
    this.body.addEventListener('dblclick', (e) => {
      const hit = this.hit(e);
      if (hit) this.opts.onActivate?.(hit.row, this.columns[hit.col]!);
    });
    this.resize.observe(this.element);
  }

  setColumns(columns: readonly GridColumn[]): void {
    this.columns = [...columns];
    this.pinned = this.columns.findIndex((c) => !c.pinned);
    if (this.pinned < 0) this.pinned = this.columns.length;
    this.offsets = prefixOffsets(this.columns.map((c) => c.width));
    this.cursor.col = clamp(this.cursor.col, 0, Math.max(0, this.columns.length - 1));
    this.renderHeaderRow();
    this.invalidate();
  }

  setRowCount(rows: number): void {
    this.rows = rows;
    this.cursor.row = clamp(this.cursor.row, 0, Math.max(0, rows - 1));
    this.invalidate();
  }

  getSelection(): ReadonlySet<string> {
    return this.selected;
  }

  /** Replaces the selection (e.g. restored state) without notifying. */
  setSelection(keys: Iterable<string>): void {
    this.selected = new Set(keys);
    this.invalidate();
  }

  /** Re-renders the visible cells (new data, new selection) on the next frame. */
  refresh(): void {
    this.invalidate();
  }

  /** Re-renders headers too (e.g. sort indicators changed). */
  refreshHeader(): void {
    this.renderHeaderRow();
  }

  focusCell(row: number, col = this.cursor.col): void {
    this.cursor = { row: clamp(row, 0, Math.max(0, this.rows - 1)), col };
    this.reveal();
    this.element.focus();
    this.invalidate();
  }

  dispose(): void {
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
    this.element.remove();
  }

  private invalidate(): void {
    this.lastKey = '';
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Synchronous render, for the first paint and tests. */
  render(): void {
    const width = this.offsets[this.offsets.length - 1]!;
    const view = this.element;
    const rows = rowRange(view.scrollTop, view.clientHeight - this.headerHeight, this.rowHeight, this.rows);
    const cols = columnRange(this.offsets, this.pinned, view.scrollLeft, view.clientWidth);
    const key = `${rows.start},${rows.end},${cols.start},${cols.end}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.body.style.height = `${this.rows * this.rowHeight}px`;
    this.body.style.width = `${width}px`;
    this.header.style.width = `${width}px`;
    this.element.setAttribute('aria-rowcount', String(this.rows + 1));
    this.element.setAttribute('aria-colcount', String(this.columns.length));
    const focus = this.focusedControl();
    const fragment = document.createDocumentFragment();
    for (let r = rows.start; r < rows.end; r++) fragment.append(this.renderRow(r, cols, width));
    this.body.replaceChildren(fragment);
    if (focus) this.restoreFocus(focus);
    this.opts.onVisibleRows?.(rows);
  }

  /**
   * Where focus is when it is on a control inside a cell (e.g. a star button). Rendering replaces
   * the rows, and a removed element drops focus to the page: the next key (Ctrl+A, arrows) would
   * then reach neither the control nor the grid.
   */
  private focusedControl(): { row: string; col: string; index: number } | undefined {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.body.contains(active)) return undefined;
    const cell = active.closest<HTMLElement>('.vt-cell');
    const row = cell?.closest<HTMLElement>('.vt-row');
    if (!cell || !row) return undefined;
    const index = [...cell.querySelectorAll(FOCUSABLE)].indexOf(active);
    return { row: row.dataset['row'] ?? '', col: cell.dataset['col'] ?? '', index };
  }

  /** The same control in the re-rendered cell, or the grid itself when that cell scrolled away. */
  private restoreFocus(at: { row: string; col: string; index: number }): void {
    const cell = this.body.querySelector(`.vt-row[data-row="${at.row}"] .vt-cell[data-col="${at.col}"]`);
    const control = cell?.querySelectorAll<HTMLElement>(FOCUSABLE)[at.index];
    (control ?? this.element).focus({ preventScroll: true });
  }

  private renderRow(r: number, cols: Range, width: number): HTMLElement {
    const row = el('div', 'vt-row');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(r + 2));
    row.style.top = `${r * this.rowHeight}px`;
    row.style.height = `${this.rowHeight}px`;
    row.style.width = `${width}px`;
    row.dataset['row'] = String(r);
    const key = this.opts.rowKey(r);
    const selected = key !== undefined && this.selected.has(key);
    if (selected) row.classList.add('vt-selected');
    row.setAttribute('aria-selected', String(selected));
    const extra = this.opts.rowClass?.(r);
    if (extra) row.classList.add(...extra.split(' '));
    for (let c = 0; c < this.pinned; c++) row.append(this.renderCell(r, c));
    const gap = this.offsets[cols.start]! - this.offsets[this.pinned]!;
    if (gap > 0) row.append(spacer(gap));
    for (let c = cols.start; c < cols.end; c++) row.append(this.renderCell(r, c));
    return row;
  }

  private renderCell(r: number, c: number): HTMLElement {
    const col = this.columns[c]!;
    const cell = el('div', `vt-cell${col.align === 'right' ? ' vt-right' : ''}${col.pinned ? ' vt-pinned' : ''}`);
    cell.setAttribute('role', 'gridcell');
    cell.setAttribute('aria-colindex', String(c + 1));
    cell.style.width = `${col.width}px`;
    if (col.pinned) cell.style.left = `${this.offsets[c]}px`;
    cell.dataset['col'] = String(c);
    if (r === this.cursor.row && c === this.cursor.col) {
      cell.classList.add('vt-active');
      cell.id = 'vt-active-cell';
      this.element.setAttribute('aria-activedescendant', cell.id);
    }
    this.opts.renderCell(r, col, cell);
    return cell;
  }

  private renderHeaderRow(): void {
    this.header.style.height = `${this.headerHeight}px`;
    const cells = this.columns.map((col, c) => {
      const cell = el('div', `vt-hcell${col.pinned ? ' vt-pinned' : ''}${col.align === 'right' ? ' vt-right' : ''}`);
      cell.setAttribute('role', 'columnheader');
      cell.setAttribute('aria-colindex', String(c + 1));
      cell.dataset['columnId'] = col.id;
      cell.style.width = `${col.width}px`;
      if (col.pinned) cell.style.left = `${this.offsets[c]}px`;
      this.opts.renderHeader(col, cell);
      cell.addEventListener('click', (e) => {
        this.opts.onHeaderClick?.(col, e);
      });
      if (!col.fixed)
        attachColumnHandles(cell, col, {
          resizing: () => this.applyWidths(),
          resized: () => this.opts.onColumnResize?.(col.id, col.width),
          ...(this.opts.onColumnMove ? { moved: (id: string) => this.opts.onColumnMove?.(id, this.columns.indexOf(col)) } : {}),
        });
      return cell;
    });
    // The header is not virtualized: one cell per column is cheap, and keeps drag targets simple.
    this.header.replaceChildren(...cells);
  }

  /** New widths without rebuilding the header (a rebuild would drop the grip's pointer capture mid-drag). */
  private applyWidths(): void {
    this.offsets = prefixOffsets(this.columns.map((c) => c.width));
    this.header.querySelectorAll<HTMLElement>('.vt-hcell').forEach((cell, c) => {
      const col = this.columns[c];
      if (!col) return;
      cell.style.width = `${col.width}px`;
      if (col.pinned) cell.style.left = `${this.offsets[c]}px`;
    });
    this.invalidate();
  }

  private hit(e: MouseEvent): Cursor | undefined {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.vt-cell');
    const row = cell?.closest<HTMLElement>('.vt-row');
    if (!cell || !row) return undefined;
    return { row: Number(row.dataset['row']), col: Number(cell.dataset['col']) };
  }

  private onClick(e: MouseEvent): void {
    const hit = this.hit(e);
    if (!hit) return;
    this.cursor = hit;
    this.select(hit.row, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only');
  }

  private select(row: number, how: 'only' | 'toggle' | 'range'): void {
    const key = this.opts.rowKey(row);
    if (how === 'range') {
      const [a, b] = this.anchor <= row ? [this.anchor, row] : [row, this.anchor];
      this.selected = new Set();
      for (let r = a; r <= b; r++) {
        const k = this.opts.rowKey(r);
        if (k !== undefined) this.selected.add(k);
      }
    } else {
      this.anchor = row;
      if (how === 'only') this.selected = new Set(key === undefined ? [] : [key]);
      else if (key !== undefined && !this.selected.delete(key)) this.selected.add(key);
    }
    this.invalidate();
    this.opts.onSelectionChange?.(this.selected);
  }

  private onKey(e: KeyboardEvent): void {
    const ctrl = e.ctrlKey || e.metaKey;
    // Ctrl/Cmd+A anywhere in the grid (a focused star button too) selects every row, never the
    // page's text; form fields inside a cell keep their own select-all.
    if (isSelectAll(e) && !isEditable(e.target)) {
      e.preventDefault();
      this.anchor = 0;
      return this.select(this.rows - 1, 'range');
    }
    if (e.target !== this.element) return;
    if (e.key === ' ') {
      e.preventDefault();
      return this.select(this.cursor.row, 'toggle');
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      const col = this.columns[this.cursor.col];
      if (col) this.opts.onActivate?.(this.cursor.row, col);
      return;
    }
    const page = Math.max(1, Math.floor((this.element.clientHeight - this.headerHeight) / this.rowHeight) - 1);
    const next = moveCursor(this.cursor, e.key, ctrl, this.rows, this.columns.length, page);
    if (!next) return;
    e.preventDefault();
    this.cursor = next;
    if (e.shiftKey && next.row !== undefined) this.select(next.row, 'range');
    else if (!e.shiftKey) this.anchor = next.row;
    this.reveal();
    this.invalidate();
  }

  /** Scrolls so the active cell is visible (not under the header or the pinned columns). */
  private reveal(): void {
    const view = this.element;
    view.scrollTop = scrollToReveal(view.scrollTop, view.clientHeight, this.cursor.row * this.rowHeight, this.rowHeight, this.headerHeight);
    const c = this.cursor.col;
    if (c < this.pinned) return;
    const pinnedWidth = this.offsets[this.pinned]!;
    const left = this.offsets[c]! - pinnedWidth;
    const right = this.offsets[c + 1]!;
    if (left < view.scrollLeft) view.scrollLeft = left;
    else if (right > view.scrollLeft + view.clientWidth) view.scrollLeft = right - view.clientWidth;
  }
}

function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches('input, textarea, select'));
}

function el(tag: string, className: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

function spacer(width: number): HTMLElement {
  const s = el('div', 'vt-spacer');
  s.style.width = `${width}px`;
  return s;
}
