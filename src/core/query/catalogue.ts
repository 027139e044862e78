/**
 * The comparison table's column catalogue: every attribute, param, metric and tag column of the
 * selected runs, with how many runs have it and whether it tells them apart. Stats over a
 * (run, key) table scan all of its rows for the selection, so the common case — every run in the
 * store — takes a faster route: keys and counts stream from the key indexes, and "differs" is
 * answered per key by index seeks (params, tags) or by an EXISTS that stops at the first run whose
 * value differs (metrics).
 */
import type { Db } from '../store/database';
import type { MetricAggregate } from './compile';
import { fieldId } from './fields';

export type ColumnKind = 'attribute' | 'param' | 'metric' | 'tag';

export interface ColumnInfo {
  /** Usable verbatim in filters and order-by: `params.lr`, `` metrics.`val loss` ``, `status`. */
  id: string;
  kind: ColumnKind;
  key: string;
  /** 'number' for metrics and numeric attributes; params and tags are text (as in MLflow), even when they spell numbers. */
  type: 'number' | 'text';
  /** Selected runs that have the column (a NaN metric counts as present). */
  count: number;
  /**
   * Whether the column tells the selected runs apart: some run lacks it, or its values are not
   * all equal (metrics compare the table's summary; NaN differs from numbers). For "show only
   * columns that differ".
   */
  differs: boolean;
}

/** The runs to describe: their ids, and whether they are every run in the store (the fast route). */
export interface CatalogueScope {
  readonly ids: readonly string[];
  readonly everyRun: boolean;
}

type Counts = Map<string, number>;

/**
 * Three routes, by the share of the store's runs in scope: every run (no membership test at all),
 * at most half (stats straight from the scope's rows), more than half (counts as "all minus the
 * excluded runs'", and "differs" per key by walks that stop at the first in-scope run). The cost is
 * thus bounded by the smaller of the scope and its complement, plus a few seeks per key.
 */
export function columnCatalogue(db: Db, scope: CatalogueScope, aggregate: MetricAggregate): ColumnInfo[] {
  const total = scope.ids.length;
  fillScope(db, scope.ids);
  const attributes = attributeColumns(db, total);
  let counts: (table: 'params' | 'tags' | 'metric_series') => Counts;
  let walks: Walks;
  if (scope.everyRun) {
    counts = (table) => countKeys(db, table, '');
    walks = walksOver(db, '', aggregate);
  } else {
    const all = db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
    if (total * 2 <= all) {
      return [...attributes, ...textColumnsOfScope(db, 'param', total), ...metricColumnsOfScope(db, total, aggregate), ...textColumnsOfScope(db, 'tag', total)];
    }
    db.prepare('DELETE FROM temp.mlwb_excluded').run();
    db.prepare('INSERT INTO temp.mlwb_excluded SELECT id FROM runs WHERE id NOT IN temp.mlwb_scope').run();
    counts = (table) => subtract(countKeys(db, table, ''), countKeys(db, table, 'WHERE run_id IN temp.mlwb_excluded'));
    walks = walksOver(db, 'AND +run_id IN temp.mlwb_scope', aggregate);
  }
  const text = (entity: 'param' | 'tag', table: 'params' | 'tags') =>
    [...counts(table)].map(([key, n]) => column(entity, key, 'text', n, n < total || walks.textDiffers(table, key)));
  const metrics = [...counts('metric_series')].map(([key, n]) => column('metric', key, 'number', n, n < total || walks.metricDiffers(key)));
  // The order the table shows its column groups in.
  return [...attributes, ...text('param', 'params'), ...metrics, ...text('tag', 'tags')];
}

export function hasDeletedRuns(db: Db): boolean {
  return db.prepare(`SELECT EXISTS (SELECT 1 FROM runs WHERE lifecycle <> 'active')`).pluck().get() === 1;
}

/** Temp tables work on read-only connections too; membership tests then cost one seek. */
function fillScope(db: Db, ids: readonly string[]): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS mlwb_scope (id TEXT PRIMARY KEY) WITHOUT ROWID;
           CREATE TEMP TABLE IF NOT EXISTS mlwb_excluded (id TEXT PRIMARY KEY) WITHOUT ROWID;`);
  db.prepare('DELETE FROM temp.mlwb_scope').run();
  db.prepare('INSERT OR IGNORE INTO temp.mlwb_scope SELECT value FROM json_each(?)').run(JSON.stringify(ids));
}

function column(kind: ColumnKind, key: string, type: 'number' | 'text', count: number, differs: boolean): ColumnInfo {
  return { id: fieldId(kind, key), kind, key, type, count, differs };
}

/** Runs per key, streamed in key order from the (key, …) index when there is no WHERE. */
function countKeys(db: Db, table: 'params' | 'tags' | 'metric_series', where: string): Counts {
  const rows = db.prepare(`SELECT key, count(*) FROM ${table} ${where} GROUP BY key ORDER BY key`).raw().all() as [string, number][];
  return new Map(rows);
}

function subtract(all: Counts, excluded: Counts): Counts {
  const out: Counts = new Map();
  for (const [key, n] of all) {
    const left = n - (excluded.get(key) ?? 0);
    if (left > 0) out.set(key, left);
  }
  return out;
}

interface Walks {
  textDiffers(table: 'params' | 'tags', key: string): boolean;
  metricDiffers(key: string): boolean;
}

/**
 * "Are the values of this key not all equal?" without reading them all. Text: the smallest and the
 * largest in-scope value, each one walk along (key, value) that stops at the first in-scope run.
 * Metrics: the first in-scope value, then a walk for any other (IS NOT: NaN differs from numbers).
 * The unary + keeps SQLite from driving these by the scope table instead of the key index.
 */
function walksOver(db: Db, member: string, aggregate: MetricAggregate): Walks {
  const text = (table: 'params' | 'tags') => {
    const edge = (dir: string) => db.prepare(`SELECT value FROM ${table} WHERE key = ? ${member} ORDER BY value ${dir} LIMIT 1`).pluck();
    return { lo: edge('ASC'), hi: edge('DESC') };
  };
  const stmts = { params: text('params'), tags: text('tags') };
  const values = `metric_series s JOIN metric_summary m ON m.series_id = s.id WHERE s.key = ? ${member.replace('run_id', 's.run_id')}`;
  const first = db.prepare(`SELECT m.${aggregate} FROM ${values} LIMIT 1`).pluck();
  const other = db.prepare(`SELECT EXISTS (SELECT 1 FROM ${values} AND m.${aggregate} IS NOT ?)`).pluck();
  return {
    textDiffers: (table, key) => stmts[table].lo.get(key) !== stmts[table].hi.get(key),
    metricDiffers: (key) => other.get(key, first.get(key) ?? null) === 1,
  };
}

function textColumnsOfScope(db: Db, entity: 'param' | 'tag', total: number): ColumnInfo[] {
  const table = entity === 'param' ? 'params' : 'tags';
  const rows = db
    .prepare(`SELECT key, count(*), min(value), max(value) FROM ${table} WHERE run_id IN temp.mlwb_scope GROUP BY key ORDER BY key`)
    .raw()
    .all() as [string, number, string, string][];
  return rows.map(([key, n, lo, hi]) => column(entity, key, 'text', n, n < total || lo !== hi));
}

function metricColumnsOfScope(db: Db, total: number, aggregate: MetricAggregate): ColumnInfo[] {
  const rows = db
    .prepare(
      `SELECT s.key, count(*), count(m.${aggregate}), min(m.${aggregate}), max(m.${aggregate})
         FROM metric_series s JOIN metric_summary m ON m.series_id = s.id
        WHERE s.run_id IN temp.mlwb_scope GROUP BY s.key ORDER BY s.key`,
    )
    .raw()
    .all() as [string, number, number, number | null, number | null][];
  return rows.map(([key, n, numbers, lo, hi]) => column('metric', key, 'number', n, n < total || (numbers > 0 && numbers < n) || lo !== hi));
}

/** The run attributes the table shows, with the same stats, from one pass over the selected runs. */
function attributeColumns(db: Db, total: number): ColumnInfo[] {
  const s = db
    .prepare(
      `SELECT count(DISTINCT r.name) AS names, count(DISTINCT r.experiment_id) AS experiments, count(DISTINCT r.status) AS statuses,
              count(DISTINCT r.start_time) AS starts, count(r.end_time) AS ended, count(DISTINCT r.end_time) AS ends,
              count(DISTINCT r.end_time - r.start_time) AS durations
         FROM runs r WHERE r.id IN temp.mlwb_scope`,
    )
    .get() as Record<string, number>;
  const ended = s['ended']!;
  const attr = (key: string, type: 'number' | 'text', count: number, differs: boolean) => column('attribute', key, type, count, differs);
  return [
    attr('id', 'text', total, total > 1),
    attr('name', 'text', total, s['names']! > 1),
    attr('experiment', 'text', total, s['experiments']! > 1),
    attr('status', 'text', total, s['statuses']! > 1),
    attr('start_time', 'number', total, s['starts']! > 1),
    attr('end_time', 'number', ended, ended < total || s['ends']! > 1),
    attr('duration', 'number', ended, ended < total || s['durations']! > 1),
  ];
}
