import type { Db } from '../store/database';
import { MlwbError } from '../errors';
import type { Run } from '../../shared/runModel';
import { RUN_COLUMNS, type RunRow, attachDetails } from '../runs/queries';
import { type MetricAggregate, SqlParams, checkAggregate, compileFilter, compileOrderBy } from './compile';
import { type FilterExpr, type OrderKey, parseFilter, parseOrderBy } from './parser';
import { ensureQueryFunctions } from './sqlFunctions';

/** Which runs, in which order: what the comparison view and `mlwb runs list` ask for. */
export interface RunQuery {
  /** MLflow search syntax (`metrics.loss < 0.3 and params.optimizer = 'adam'`) or a parsed filter. */
  readonly filter?: string | FilterExpr;
  /** MLflow order-by clauses (`metrics.loss ASC`), each string may hold several, comma-separated. */
  readonly orderBy?: string | readonly string[] | readonly OrderKey[];
  readonly experimentIds?: readonly number[];
  readonly experimentNames?: readonly string[];
  readonly runIds?: readonly string[];
  readonly includeDeleted?: boolean;
  /** Which summary metric sort keys use unless a key says otherwise (default last, as MLflow). */
  readonly metricAggregate?: MetricAggregate;
  readonly limit?: number;
  readonly offset?: number;
  /**
   * Count every match (`total`). Off, a page of the default order reads only its rows through the
   * runs_by_start index instead of sorting all runs (the CLI's `runs list -n 5`).
   */
  readonly withTotal?: boolean;
}

export interface RunPage {
  /** The page, in the requested order, in the contract's run shape. */
  runs: Run[];
  /** How many runs match, ignoring limit and offset. */
  total: number;
  offset: number;
}

/** The FROM and WHERE that select the runs a query asks for (shared by the table queries). */
export interface Selection {
  readonly from: string;
  readonly where: string;
  readonly params: SqlParams;
}

export const RUNS_FROM = 'runs r JOIN experiments e ON e.id = r.experiment_id';

export function buildSelection(db: Db, q: RunQuery, params = new SqlParams()): Selection {
  ensureQueryFunctions(db);
  const where: string[] = [];
  if (!q.includeDeleted) where.push(`r.lifecycle = 'active'`);
  // JSON arrays keep one statement for any number of ids (SQLite caps bound variables).
  if (q.experimentIds) where.push(`r.experiment_id IN (SELECT value FROM json_each(${params.add(JSON.stringify(q.experimentIds))}))`);
  if (q.experimentNames) where.push(`e.name IN (SELECT value FROM json_each(${params.add(JSON.stringify(q.experimentNames))}))`);
  if (q.runIds) where.push(`r.id IN (SELECT value FROM json_each(${params.add(JSON.stringify(q.runIds))}))`);
  const filter = typeof q.filter === 'string' ? parseFilter(q.filter) : q.filter;
  if (filter) where.push(compileFilter(filter, params));
  return { from: RUNS_FROM, where: where.length ? where.join(' AND ') : '1', params };
}

export function orderKeys(orderBy: RunQuery['orderBy']): OrderKey[] {
  if (orderBy === undefined) return [];
  if (typeof orderBy === 'string') return parseOrderBy(orderBy);
  return orderBy.flatMap((o) => (typeof o === 'string' ? parseOrderBy(o) : [o]));
}

/**
 * One page of matching runs, sorted, with the total count, in a single statement: the window
 * count is computed over the filtered rows before LIMIT, so the filter runs once.
 */
export function queryRuns(db: Db, q: RunQuery = {}): RunPage {
  const sel = buildSelection(db, q);
  const order = compileOrderBy(orderKeys(q.orderBy), sel.params, checkAggregate(q.metricAggregate ?? 'last'));
  const offset = nonNegative(q.offset ?? 0, 'offset');
  const limit = q.limit === undefined ? -1 : nonNegative(q.limit, 'limit');
  const withTotal = q.withTotal ?? true;
  const rows = db
    .prepare(
      `SELECT ${RUN_COLUMNS}${withTotal ? ', count(*) OVER () AS total_count' : ''}
         FROM ${sel.from}
         ${order.joins}
        WHERE ${sel.where}
        ORDER BY ${order.terms}
        LIMIT ${limit} OFFSET ${offset}`,
    )
    .all(sel.params.values) as (RunRow & { total_count: number })[];
  // No rows: either nothing matches, or the page lies past the end (or is empty): count apart.
  const total = !withTotal ? offset + rows.length : rows.length > 0 ? rows[0]!.total_count : offset > 0 || limit === 0 ? countRuns(db, sel) : 0;
  return { runs: attachDetails(db, rows), total, offset };
}

export function countRuns(db: Db, sel: Selection): number {
  return db.prepare(`SELECT count(*) FROM ${sel.from} WHERE ${sel.where}`).pluck().get(sel.params.values) as number;
}

function nonNegative(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new MlwbError(`${what} must be a non-negative whole number, got ${n}.`, 'INVALID_ARGUMENT');
  return n;
}
