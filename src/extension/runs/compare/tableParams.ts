import type { RunsTableParams } from '../../../protocol/backend';
import type { CompareScope, TableQuery } from '../../../protocol/webview/compare';

/**
 * The backend's `runs/table` params for a page's table query, within the panel's scope (the page
 * is untrusted; the scope is the host's). Pure and vscode-free: the webview harness's stand-in host
 * (test/webview-harness/compareHost.mjs) answers with the same params.
 */
export function tableParams(q: TableQuery, scope: CompareScope): RunsTableParams {
  const { runIds, experimentNames } = scope;
  return {
    ...(q.filter.trim() ? { filter: q.filter } : {}),
    orderBy: q.orderBy,
    metricAggregate: q.aggregate,
    offset: q.offset,
    limit: q.limit,
    catalogue: q.catalogue,
    ...(q.columns ? { columns: q.columns } : {}),
    ...(runIds ? { runIds } : {}),
    ...(experimentNames ? { experimentNames } : {}),
  };
}
