import { getSeriesDownsampled, isFilterSyntaxError, runsTable } from '../core/query';
import type { RunsTableResult } from '../protocol/backend';
import type { BackendContext, RequestGroup } from './requestGroup';

type CompareMethods = 'runs/table' | 'runs/series';

/** The comparison table can page through all rows for CSV export, but not unboundedly per call. */
const MAX_PAGE = 50_000;

/**
 * Requests of the Compare Runs panel: pages of the columnar runs table and downsampled series.
 * A bad filter is an answer, not a failure: the panel shows it under its filter box, with the column.
 */
export function compareRequests(ctx: Pick<BackendContext, 'service'>): RequestGroup<CompareMethods> {
  const service = ctx.service;
  return {
    handlers: {
      'runs/table': (q): RunsTableResult => {
        const db = service().store();
        if (!db) return { table: { total: 0, offset: 0, ...(q.catalogue === false ? {} : { catalogue: [] }), ids: [], cells: {} } };
        try {
          return { table: runsTable(db, { ...q, limit: Math.min(q.limit ?? 100, MAX_PAGE) }) };
        } catch (e) {
          if (!isFilterSyntaxError(e)) throw e;
          return { filterError: { message: e.message, reason: e.reason, column: e.column, offset: e.offset, length: e.length } };
        }
      },
      'runs/series': (q) => {
        const db = service().store();
        return db ? getSeriesDownsampled(db, q) : { series: [] };
      },
    },
  };
}
