/**
 * Filter and order-by ASTs → SQL over `runs r JOIN experiments e`. User values only ever travel
 * as bound parameters (@pN); the SQL text is built from our own fragments and never from input.
 */
import { MlwbError } from '../errors';
import type { Field } from './fields';
import type { FilterExpr, Literal, OrderKey } from './parser';
import { likeToGlob } from './sqlFunctions';

export type MetricAggregate = 'last' | 'min' | 'max';

/** Named parameters for one statement. */
export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private n = 0;

  add(value: unknown): string {
    const name = `p${this.n++}`;
    this.values[name] = value;
    return `@${name}`;
  }
}

const TABLE = { param: 'params', tag: 'tags' } as const;

export function compileFilter(expr: FilterExpr, params: SqlParams): string {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return `(${compileFilter(expr.left, params)} ${expr.kind.toUpperCase()} ${compileFilter(expr.right, params)})`;
    default:
      return compileCondition(expr, params);
  }
}

type Condition = Exclude<FilterExpr, { kind: 'and' | 'or' }>;

function compileCondition(c: Condition, params: SqlParams): string {
  const f = c.field;
  if (f.entity === 'attribute') {
    if (c.kind === 'null') return `${f.sql} IS ${c.negated ? 'NOT ' : ''}NULL`;
    return valueCondition(f.sql, c, params, f);
  }
  // Metrics, params and tags live in their own tables: a run matches when it has the key and the
  // condition holds for its value. A run without the key never matches (MLflow's semantics),
  // not even `!=`; `IS NULL` asks for exactly those runs.
  const key = params.add(f.key);
  const [from, column] =
    f.entity === 'metric'
      ? ['metric_series s JOIN metric_summary m ON m.series_id = s.id WHERE s.run_id = r.id AND s.key = ' + key, 'm.last']
      : [`${TABLE[f.entity]} x WHERE x.run_id = r.id AND x.key = ${key}`, 'x.value'];
  if (c.kind === 'null') {
    const lookup = f.entity === 'metric' ? `metric_series s WHERE s.run_id = r.id AND s.key = ${key}` : from;
    return `${c.negated ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${lookup})`;
  }
  return `EXISTS (SELECT 1 FROM ${from} AND ${valueCondition(column, c, params, f)})`;
}

/**
 * The condition on one value. Metric values are REAL and NaN is stored as NULL, so plain SQL
 * comparison already makes NaN match nothing. Param and tag values are text: they compare as
 * text, except against a number literal, where they compare numerically through mlwb_num (a
 * value that is not a number then matches nothing) — an extension to MLflow, which has no
 * numeric param comparison.
 */
function valueCondition(column: string, c: Exclude<Condition, { kind: 'null' }>, params: SqlParams, f: Field): string {
  const textual = f.entity === 'param' || f.entity === 'tag';
  // MLflow spells statuses in upper case (FINISHED); ours are lower case.
  const fold = f.entity === 'attribute' && (f.key === 'status' || f.key === 'lifecycle');
  const bind = (v: Literal): string => params.add(literalValue(v, f, fold));
  const numericText = (v: Literal) => textual && v.type === 'number';
  switch (c.kind) {
    case 'compare': {
      const lhs = numericText(c.value) ? `mlwb_num(${column})` : column;
      return `${lhs} ${c.op} ${bind(c.value)}`;
    }
    case 'like':
      // ILIKE → SQLite's LIKE (ASCII case-insensitive); LIKE → GLOB (case-sensitive, as MLflow's).
      return c.caseInsensitive || fold ? `${column} LIKE ${params.add(c.pattern)}` : `${column} GLOB ${params.add(likeToGlob(c.pattern))}`;
    case 'in': {
      const list = c.values.map(bind).join(', ');
      if (numericText(c.values[0]!)) {
        // coalesce: a non-numeric value is "not in" a list of numbers rather than unknown.
        return `${c.negated ? 'NOT ' : ''}coalesce(mlwb_num(${column}) IN (${list}), 0)`;
      }
      return `${column} ${c.negated ? 'NOT IN' : 'IN'} (${list})`;
    }
  }
}

function literalValue(v: Literal, f: Field, fold: boolean): string | number {
  if (v.type === 'number') return v.value;
  if (fold) return v.value.toLowerCase();
  // Times accept ISO dates as well as epoch milliseconds (checked by the parser).
  if (f.entity === 'attribute' && f.type === 'time') return Date.parse(v.value);
  return v.value;
}

export interface CompiledOrder {
  /** LEFT JOINs that bring each sort value into the row (one lookup per run, read by column). */
  joins: string;
  /** ORDER BY terms, ending with the default tie-breakers. */
  terms: string;
}

/**
 * ORDER BY with missing values last in both directions. Metrics sort by the chosen summary
 * (MLflow: last), NaN counting as missing. Params and tags sort numbers first, by value, then
 * other text — an extension to MLflow's plain text order, so lr 0.001 < 0.01 < 0.1 < 1e-1 holds.
 * Ties fall back to newest first, then id, so paging is stable.
 */
export function compileOrderBy(keys: readonly OrderKey[], params: SqlParams, aggregate: MetricAggregate = 'last'): CompiledOrder {
  const joins: string[] = [];
  const terms: string[] = [];
  keys.forEach((k, i) => {
    const dir = k.descending ? 'DESC' : 'ASC';
    const f = k.field;
    if (f.entity === 'attribute') {
      terms.push(`${f.sql} IS NULL`, `${f.sql} ${dir}`);
    } else if (f.entity === 'metric') {
      const agg = checkAggregate(k.aggregate ?? aggregate);
      joins.push(
        `LEFT JOIN metric_series os${i} ON os${i}.run_id = r.id AND os${i}.key = ${params.add(f.key)}`,
        `LEFT JOIN metric_summary om${i} ON om${i}.series_id = os${i}.id`,
      );
      terms.push(`om${i}.${agg} IS NULL`, `om${i}.${agg} ${dir}`);
    } else {
      joins.push(`LEFT JOIN ${TABLE[f.entity]} o${i} ON o${i}.run_id = r.id AND o${i}.key = ${params.add(f.key)}`);
      const num = `mlwb_num(o${i}.value)`;
      terms.push(`o${i}.value IS NULL`, `${num} IS NULL`, `${num} ${dir}`, `o${i}.value ${dir}`);
    }
  });
  terms.push('r.start_time DESC', 'r.id DESC');
  return { joins: joins.join('\n'), terms: terms.join(', ') };
}

/** The aggregate names a column of SQL text, so it is checked even though the type says it is safe. */
export function checkAggregate(a: unknown): MetricAggregate {
  if (a === 'last' || a === 'min' || a === 'max') return a;
  throw new MlwbError(`Unknown metric summary "${String(a)}": use last, min or max.`, 'INVALID_ARGUMENT');
}
