/**
 * The grouped table: one row per value of the group-by column, with the run count and the mean
 * (min–max in the tooltip) of each visible numeric column, in the same virtualized grid.
 * Enter or double-click on a group filters the table to it.
 */
import { VirtualTable } from '../shared/virtualTable';
import { type Group, MISSING_LABEL, groupFilter, groupRows } from './group';
import type { CompareState, TableQuery } from '../../src/protocol/webview/compare';
import type { Rpc } from './rpc';
import { formatDuration } from '../../src/shared/format';
import { type ViewColumn, formatNumber } from './viewModel';

export interface GroupViewDeps {
  rpc: Rpc;
  state(): CompareState;
  query(): Omit<TableQuery, 'offset' | 'limit' | 'catalogue'>;
  total(): number;
  /** The numeric columns the runs table shows (aggregated per group). */
  columns(): ViewColumn[];
  drillDown(filter: string): void;
}

const MAX_ROWS = 50_000;

export class GroupView {
  readonly grid: VirtualTable;
  private groups: Group[] = [];
  private cols: ViewColumn[] = [];
  private generation = 0;

  constructor(
    host: HTMLElement,
    private readonly d: GroupViewDeps,
  ) {
    this.grid = new VirtualTable(host, {
      label: 'Run groups',
      rowKey: (r) => this.groups[r]?.key ?? MISSING_LABEL,
      renderHeader: (col, el) => {
        el.textContent =
          col.id === '__group'
            ? (this.d.state().groupBy ?? '')
            : col.id === '__count'
              ? 'Runs'
              : `${this.cols.find((c) => c.id === col.id)?.label ?? col.id} (mean)`;
        el.title = col.id;
      },
      renderCell: (r, col, el) => this.cell(r, col.id, el),
      onActivate: (r) => {
        const g = this.groups[r];
        const by = this.d.state().groupBy;
        if (g && by && g.key !== null) this.d.drillDown(groupFilter(by, g.key));
      },
    });
  }

  async refresh(): Promise<void> {
    const by = this.d.state().groupBy;
    if (!by) return;
    // Metrics and duration; a mean start time says little.
    this.cols = this.d.columns().filter((c) => c.numeric && c.id !== by && (c.kind !== 'attribute' || c.id === 'duration'));
    const generation = ++this.generation;
    const page = await this.d.rpc.table({
      ...this.d.query(),
      offset: 0,
      limit: Math.min(MAX_ROWS, Math.max(1, this.d.total())),
      catalogue: false,
      columns: [by, ...this.cols.map((c) => c.id)],
    });
    if (generation !== this.generation) return;
    this.groups = groupRows(page.ids, page.cells[by] ?? [], Object.fromEntries(this.cols.map((c) => [c.id, page.cells[c.id] ?? []])));
    this.grid.setColumns([
      { id: '__group', width: 200, pinned: true, fixed: true },
      { id: '__count', width: 70, align: 'right', fixed: true },
      ...this.cols.map((c) => ({ id: c.id, width: Math.max(c.width, 120), align: 'right' as const })),
    ]);
    this.grid.setRowCount(this.groups.length);
    this.grid.element.dataset['groups'] = String(this.groups.length);
  }

  private cell(r: number, id: string, el: HTMLElement): void {
    const g = this.groups[r];
    if (!g) return;
    if (id === '__group') {
      el.textContent = g.key ?? MISSING_LABEL;
      el.title = 'Enter or double-click: filter the table to this group';
    } else if (id === '__count') el.textContent = String(g.count);
    else {
      const s = g.stats[id];
      if (!s) return;
      const fmt = (v: number) => (id === 'duration' ? formatDuration(v) : formatNumber(v));
      el.textContent = fmt(s.mean);
      el.title = `mean ${fmt(s.mean)} · min ${fmt(s.min)} · max ${fmt(s.max)} · ${s.n} of ${g.count} runs`;
    }
  }
}
