/**
 * The comparison view's table in columnar form: the column catalogue of every run the query
 * selects (the virtualized view needs all columns up front, before it has seen most rows) and the
 * cell values of one page of rows.
 */
import type { Db } from '../store/database';
import { type JsonNumber, toJsonNumber } from '../../shared/runModel';
import { type MetricAggregate, checkAggregate, compileOrderBy } from './compile';
import { type ColumnInfo, columnCatalogue, hasDeletedRuns } from './catalogue';
import { fieldId } from './fields';
import { parseOrderBy } from './parser';
import { RUNS_FROM, type RunQuery, buildSelection, orderKeys } from './runs';

export type { ColumnInfo, ColumnKind } from './catalogue';

/** A cell: text for params/tags/names, numbers (NaN/±Inf as strings) for metrics and times, null when missing. */
export type Cell = string | JsonNumber | null;

export interface RunsTableQuery extends RunQuery {
  /** Which metric summary the metric cells hold (default last). */
  readonly metricAggregate?: MetricAggregate;
  /** Skip the catalogue when paging through an unchanged selection. Default true. */
  readonly catalogue?: boolean;
  /** Column ids to return cells for; default every column of the catalogue (or of the page's runs). */
  readonly columns?: readonly string[];
}

export interface RunsTable {
  total: number;
  offset: number;
  /** Attributes first, then params, metrics and tags, each alphabetical. Absent when not asked for. */
  catalogue?: ColumnInfo[];
  /** Run ids of the page, in order. */
  ids: string[];
  /** Column id → one cell per page row. Attribute times are epoch milliseconds. */
  cells: Record<string, Cell[]>;
}

const DEFAULT_PAGE = 100;

export function runsTable(db: Db, q: RunsTableQuery = {}): RunsTable {
  const aggregate = checkAggregate(q.metricAggregate ?? 'last');
  const sel = buildSelection(db, q);
  const order = compileOrderBy(orderKeys(q.orderBy), sel.params, aggregate);
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = Math.max(0, Math.floor(q.limit ?? DEFAULT_PAGE));
  // Every matching id in order, once: the filter is evaluated a single time for the count, the
  // page and the catalogue (each catalogue query would otherwise evaluate it again).
  const ids = db.prepare(`SELECT r.id FROM ${sel.from} ${order.joins} WHERE ${sel.where} ORDER BY ${order.terms}`).pluck().all(sel.params.values) as string[];
  const pageIds = ids.slice(offset, offset + limit);
  const byId = new Map(
    (
      db
        .prepare(
          `SELECT r.id, r.name, e.name AS experiment, r.status, r.start_time, r.end_time
             FROM ${RUNS_FROM} WHERE r.id IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(pageIds)) as PageRow[]
    ).map((r) => [r.id, r]),
  );
  const rows = pageIds.map((id) => byId.get(id)!);
  let catalogue: ColumnInfo[] | undefined;
  if (q.catalogue !== false) {
    const everyRun = !q.filter && !q.runIds && !q.experimentIds && !q.experimentNames && (q.includeDeleted || !hasDeletedRuns(db));
    catalogue = columnCatalogue(db, { ids, everyRun }, aggregate);
  }
  const wanted = q.columns ? new Set(q.columns) : catalogue ? new Set(catalogue.map((c) => c.id)) : undefined;
  return {
    total: ids.length,
    offset,
    ...(catalogue ? { catalogue } : {}),
    ids: pageIds,
    cells: pageCells(db, rows, aggregate, wanted, q.columns !== undefined),
  };
}

interface PageRow {
  id: string;
  name: string;
  experiment: string;
  status: string;
  start_time: number;
  end_time: number | null;
}

const ATTRIBUTE_COLUMNS = ['id', 'name', 'experiment', 'status', 'start_time', 'end_time', 'duration'] as const;

function pageCells(db: Db, rows: PageRow[], aggregate: MetricAggregate, wanted: Set<string> | undefined, explicit: boolean): Record<string, Cell[]> {
  const cells: Record<string, Cell[]> = {};
  const n = rows.length;
  const column = (id: string): Cell[] | undefined => {
    if (wanted && !wanted.has(id)) return undefined;
    return (cells[id] ??= new Array<Cell>(n).fill(null));
  };
  // Every asked-for column is present, all null when no run of the page has it.
  for (const id of wanted ?? []) column(id);
  const index = new Map<string, number>();
  rows.forEach((r, i) => {
    index.set(r.id, i);
    const values: Record<(typeof ATTRIBUTE_COLUMNS)[number], Cell> = {
      id: r.id,
      name: r.name,
      experiment: r.experiment,
      status: r.status,
      start_time: r.start_time,
      end_time: r.end_time,
      duration: r.end_time === null ? null : r.end_time - r.start_time,
    };
    for (const a of ATTRIBUTE_COLUMNS) {
      const c = column(a);
      if (c) c[i] = values[a];
    }
  });
  if (n === 0) return cells;
  const ids = JSON.stringify(rows.map((r) => r.id));
  // With an explicit column list (say, two axes of a scatter over every run) only those keys are
  // read; otherwise every key of the page's runs.
  const keys = wanted && explicit ? keysByEntity(wanted) : undefined;
  const only = (column: string) => (keys ? `AND ${column} IN (SELECT value FROM json_each(?))` : '');
  const args = (entity: 'param' | 'tag' | 'metric') => (keys ? [ids, JSON.stringify(keys[entity])] : [ids]);
  const inIds = 'IN (SELECT value FROM json_each(?))';
  for (const [entity, table] of [
    ['param', 'params'],
    ['tag', 'tags'],
  ] as const) {
    if (keys && keys[entity].length === 0) continue;
    const sql = `SELECT run_id, key, value FROM ${table} WHERE run_id ${inIds} ${only('key')}`;
    for (const [runId, key, value] of db
      .prepare(sql)
      .raw()
      .iterate(...args(entity)) as Iterable<[string, string, string]>) {
      const c = column(fieldId(entity, key));
      if (c) c[index.get(runId)!] = value;
    }
  }
  if (keys && keys.metric.length === 0) return cells;
  const metrics = db
    .prepare(`SELECT s.run_id, s.key, m.${aggregate} FROM metric_series s JOIN metric_summary m ON m.series_id = s.id WHERE s.run_id ${inIds} ${only('s.key')}`)
    .raw()
    .iterate(...args('metric')) as Iterable<[string, string, number | null]>;
  for (const [runId, key, value] of metrics) {
    const c = column(fieldId('metric', key));
    if (c) c[index.get(runId)!] = toJsonNumber(value);
  }
  return cells;
}

/** Param, tag and metric keys named by column ids (ids that do not parse name no column). */
function keysByEntity(ids: Set<string>): Record<'param' | 'tag' | 'metric', string[]> {
  const out = { param: [] as string[], tag: [] as string[], metric: [] as string[] };
  for (const id of ids) {
    let field;
    try {
      field = parseOrderBy(id)[0]?.field;
    } catch {
      continue;
    }
    if (field && field.entity !== 'attribute') out[field.entity].push(field.key);
  }
  return out;
}
