/**
 * The table's rows for the current query: every run id in order (fetched once per query; cheap,
 * and row keys for range selection must exist before their pages load) and cells page by page
 * as the grid scrolls to them.
 */
import type { Cell, ColumnInfo, TablePage, TableQuery } from '../../src/protocol/webview/compare';
import type { Rpc } from './rpc';

export const PAGE = 100;

export class RowStore {
  total = 0;
  catalogue: ColumnInfo[] = [];
  private ids: (string | undefined)[] = [];
  private readonly pages = new Map<number, TablePage | 'loading'>();
  private readonly stale = new Map<number, TablePage>();
  private generation = 0;

  constructor(
    private readonly rpc: Rpc,
    private readonly onData: () => void,
  ) {}

  /** Runs the query: first page with the catalogue (first paint), then all ids. Throws FilterError. */
  async load(query: Omit<TableQuery, 'offset' | 'limit' | 'catalogue'>, keepPages = false): Promise<void> {
    const generation = ++this.generation;
    const first = await this.rpc.table({ ...query, offset: 0, limit: PAGE, catalogue: true });
    if (generation !== this.generation) return;
    this.query = query;
    this.total = first.total;
    this.catalogue = first.catalogue ?? [];
    if (!keepPages) this.ids = new Array<string | undefined>(first.total);
    else this.ids.length = first.total;
    first.ids.forEach((id, i) => (this.ids[i] = id));
    this.names = first.cells['name'] ?? [];
    // A live refresh keeps showing the old pages until their fresh copies arrive (no flicker).
    this.stale.clear();
    if (keepPages) for (const [p, page] of this.pages) if (page !== 'loading') this.stale.set(p, page);
    this.pages.clear();
    this.pages.set(0, first);
    this.onData();
    if (first.total > first.ids.length) {
      // Names too: chart legends need them for selected runs whose pages never loaded.
      const all = await this.rpc.table({ ...query, offset: 0, limit: first.total, catalogue: false, columns: ['name'] });
      if (generation !== this.generation) return;
      this.ids = all.ids;
      this.names = all.cells['name'] ?? [];
      this.onData();
    }
  }

  private query: Omit<TableQuery, 'offset' | 'limit' | 'catalogue'> | undefined;

  private names: Cell[] = [];

  /** A run's name by row (known for every row once the id list arrived). */
  name(row: number): string | undefined {
    const n = this.names[row];
    return typeof n === 'string' ? n : undefined;
  }

  id(row: number): string | undefined {
    return this.ids[row];
  }

  allIds(): readonly (string | undefined)[] {
    return this.ids;
  }

  private page(row: number): TablePage | undefined {
    const p = Math.floor(row / PAGE);
    const page = this.pages.get(p);
    return page && page !== 'loading' ? page : this.stale.get(p);
  }

  cell(row: number, column: string): Cell | undefined {
    return this.page(row)?.cells[column]?.[row % PAGE];
  }

  loaded(row: number): boolean {
    return this.page(row) !== undefined;
  }

  /** Loads the pages covering rows [start, end). */
  ensure(start: number, end: number): void {
    const query = this.query;
    if (!query) return;
    const generation = this.generation;
    for (let p = Math.floor(start / PAGE); p * PAGE < Math.min(end, this.total); p++) {
      if (this.pages.has(p)) continue;
      this.pages.set(p, 'loading');
      void this.rpc
        .table({ ...query, offset: p * PAGE, limit: PAGE, catalogue: false })
        .then((page) => {
          if (generation !== this.generation) return;
          this.pages.set(p, page);
          this.stale.delete(p);
          this.onData();
        })
        .catch(() => this.pages.delete(p));
    }
  }
}
