/**
 * The runs grid: a VirtualTable over the RowStore, with sort indicators, the star/color column,
 * status icons, column resize/reorder persisted in state, and selection feeding the charts.
 */
import { codicon } from '../shared/dom';
import { type GridColumn, VirtualTable } from '../shared/virtualTable';
import { colorOf } from './colors';
import type { ColumnInfo, CompareState } from '../../src/protocol/webview/compare';
import { STAR_TAG } from '../../src/protocol/webview/compare';
import type { RowStore } from './rows';
import { STAR_COLUMN, type ViewColumn, formatCell, headerTitle, reorder, toggleSort, visibleColumns } from './viewModel';

export interface TableViewDeps {
  rows: RowStore;
  state(): CompareState;
  patch(p: Partial<CompareState>): void;
  /** Sort changed: re-query. */
  onSort(): void;
  onSelection(ids: string[]): void;
  star(runId: string, starred: boolean): void;
  openRun(runId: string): void;
}

const STATUS_ICON: Record<string, string> = { running: 'loading', finished: 'pass', failed: 'error', killed: 'circle-slash' };

export class TableView {
  readonly grid: VirtualTable;
  columns: ViewColumn[] = [];
  private readonly stars = new Map<string, boolean>();
  private starColumn: string | undefined;

  constructor(
    host: HTMLElement,
    private readonly d: TableViewDeps,
  ) {
    this.grid = new VirtualTable(host, {
      label: 'Runs',
      rowKey: (r) => d.rows.id(r),
      renderCell: (r, col, el) => this.renderCell(r, col, el),
      renderHeader: (col, el) => this.renderHeader(col, el),
      onVisibleRows: ({ start, end }) => d.rows.ensure(start, end),
      onHeaderClick: (col, e) => {
        if (col.id === STAR_COLUMN) return;
        d.patch({ sort: toggleSort(d.state().sort, col.id, e.shiftKey) });
        this.grid.refreshHeader();
        d.onSort();
      },
      onSelectionChange: (keys) => d.onSelection([...keys]),
      onActivate: (r) => {
        const id = d.rows.id(r);
        if (id) d.openRun(id);
      },
      onColumnResize: (id, width) => d.patch({ widths: { ...d.state().widths, [id]: width } }),
      onColumnMove: (id, to) => {
        const target = this.columns[to];
        if (!target || target.id === STAR_COLUMN) return;
        const all = d.rows.catalogue.map((c) => c.id);
        const current = [...d.state().order, ...all.filter((x) => !d.state().order.includes(x))];
        d.patch({ order: reorder(current, id, target.id) });
        this.update();
      },
    });
    this.grid.setSelection(d.state().selected);
  }

  /** Rebuilds the columns from the catalogue and state, and the row count. */
  update(): void {
    const s = this.d.state();
    this.columns = visibleColumns(this.d.rows.catalogue, s);
    this.starColumn = this.d.rows.catalogue.find((c: ColumnInfo) => c.kind === 'tag' && c.key === STAR_TAG)?.id;
    this.grid.setColumns(
      this.columns.map((c): GridColumn => ({ id: c.id, width: c.width, pinned: c.pinned, align: c.numeric ? 'right' : 'left', fixed: c.id === STAR_COLUMN })),
    );
    this.grid.setRowCount(this.d.rows.total);
  }

  private starred(runId: string, row: number): boolean {
    const local = this.stars.get(runId);
    if (local !== undefined) return local;
    return this.starColumn !== undefined && this.d.rows.cell(row, this.starColumn) === 'true';
  }

  private renderCell(r: number, col: GridColumn, el: HTMLElement): void {
    const id = this.d.rows.id(r);
    if (col.id === STAR_COLUMN) {
      if (!id) return;
      const on = this.starred(id, r);
      const star = codicon(on ? 'star-full' : 'star-empty', 'star');
      const button = document.createElement('button');
      button.className = `icon-button star-button${on ? ' on' : ''}`;
      button.title = on ? 'Unstar run' : 'Star run';
      button.setAttribute('aria-label', button.title);
      button.tabIndex = -1;
      button.dataset['testid'] = 'star';
      button.append(star);
      button.addEventListener('click', (e) => {
        e.stopPropagation();
        this.stars.set(id, !on);
        this.d.star(id, !on);
        this.grid.refresh();
      });
      const colorIndex = this.d.state().colors[id];
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      if (colorIndex !== undefined) swatch.style.background = colorOf(colorIndex);
      el.append(swatch, button);
      return;
    }
    if (!this.d.rows.loaded(r)) {
      el.classList.add('loading');
      return;
    }
    const v = this.d.rows.cell(r, col.id);
    if (col.id === 'status' && typeof v === 'string')
      el.append(codicon(STATUS_ICON[v] ?? 'circle-outline', `status-${v}${v === 'running' ? ' codicon-modifier-spin' : ''}`));
    const text = formatCell({ id: col.id, kind: 'param' }, v);
    // A span, not a bare text node: a flex item made of text gets no ellipsis when it is cut.
    el.append(Object.assign(document.createElement('span'), { className: 'vt-text', textContent: text }));
    if (col.id === 'name' && id) el.title = `${text} (${id})`;
    else if (text.length > 12) el.title = text;
  }

  private renderHeader(col: GridColumn, el: HTMLElement): void {
    const view = this.columns.find((c) => c.id === col.id);
    if (col.id === STAR_COLUMN) {
      el.append(codicon('star-empty'));
      el.title = 'Starred runs; the swatch is the run’s color in the charts';
      return;
    }
    const label = document.createElement('span');
    label.className = 'hlabel';
    label.textContent = view?.label ?? col.id;
    if (view && view.kind !== 'attribute') {
      const kind = document.createElement('span');
      kind.className = `kind kind-${view.kind}`;
      kind.textContent = view.kind === 'param' ? 'P' : view.kind === 'metric' ? 'M' : 'T';
      el.append(kind);
    }
    el.append(label);
    el.title = headerTitle(view?.label ?? col.id, view?.kind ?? 'attribute', col.id);
    const sort = this.d.state().sort;
    const i = sort.findIndex((k) => k.id === col.id);
    if (i >= 0) {
      el.append(codicon(sort[i]!.desc ? 'arrow-down' : 'arrow-up', 'sort-icon'));
      if (sort.length > 1) el.append(Object.assign(document.createElement('sup'), { textContent: String(i + 1) }));
      el.setAttribute('aria-sort', sort[i]!.desc ? 'descending' : 'ascending');
      el.dataset['sorted'] = sort[i]!.desc ? 'desc' : 'asc';
    }
  }
}
