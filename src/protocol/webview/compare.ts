/**
 * The Compare Runs panel's message contract, imported by the webview and by the extension host
 * (src/extension/runs/compare). DOM-free and vscode-free. The webview asks for table pages
 * and series by request id; the host adds the panel's scope (which runs) and asks the backend.
 */
import { type NoPayload, type Validators, isArrayOf, isBoolean, isFiniteNumber, isNonEmptyString, isRecord, isString, noPayload } from '../../shared/messages';

import type { JsonNumber } from '../../shared/runModel';
import type { Cell, ColumnInfo, RunsTable } from '../../core/query/table';
import type { SampledSeries, XAxis } from '../../core/query/series';

export const COMPARE_VIEW_TYPE = 'mlwb.compare';

export type Aggregate = 'last' | 'min' | 'max';

/** A page of the runs table and a downsampled series are the backend's own shapes (types only). */
export type { JsonNumber, Cell, ColumnInfo, XAxis };
export type TablePage = RunsTable;
export type SeriesData = SampledSeries;
/** Where a bad filter is wrong, for the message under the filter box. */
export interface FilterProblem {
  message: string;
  column?: number;
  offset?: number;
  length?: number;
}

/** Which runs the panel compares: given runs, whole experiments, or every run. */
export interface CompareScope {
  runIds?: string[];
  experimentNames?: string[];
}
export interface CompareInit {
  folderUri: string;
  scope: CompareScope;
  title: string;
}

export interface TableQuery {
  filter: string;
  orderBy: string[];
  aggregate: Aggregate;
  offset: number;
  limit: number;
  catalogue: boolean;
  /** Only these columns' cells (e.g. ['name'] to list every id cheaply). */
  columns?: string[];
}
export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  xAxis: XAxis;
  buckets: number;
  range?: [number, number];
}

/** Host → webview. */
export type ToCompare = {
  table: { requestId: number; page: TablePage };
  tableError: { requestId: number; problem: FilterProblem };
  series: { requestId: number; series: SeriesData[] };
  /** Runs changed in the store (empty: anything may have); the page re-asks what it shows. */
  changed: { runIds: string[] };
  error: { message: string };
};

/** Webview → host. */
export type FromCompare = {
  ready: NoPayload;
  table: { requestId: number; query: TableQuery };
  series: { requestId: number; request: SeriesRequest };
  star: { runId: string; starred: boolean };
  openRun: { runId: string };
  /** Save the filtered table as CSV; the host pages through every row. */
  exportCsv: { query: TableQuery; columns: { id: string; label: string }[] };
  savePng: { dataUrl: string; name: string };
};

export const STAR_TAG = 'mlwb.starred';
const AGGREGATES = ['last', 'min', 'max'];
const AXES = ['step', 'time', 'relative'];

export function isTableQuery(v: unknown): v is TableQuery {
  return (
    isRecord(v) &&
    isString(v['filter']) &&
    isArrayOf(v['orderBy'], isString) &&
    AGGREGATES.includes(v['aggregate'] as string) &&
    isFiniteNumber(v['offset']) &&
    isFiniteNumber(v['limit']) &&
    isBoolean(v['catalogue']) &&
    (v['columns'] === undefined || isArrayOf(v['columns'], isString))
  );
}

export function isSeriesRequest(v: unknown): v is SeriesRequest {
  return (
    isRecord(v) &&
    isArrayOf(v['runIds'], isNonEmptyString) &&
    isArrayOf(v['keys'], isString) &&
    AXES.includes(v['xAxis'] as string) &&
    isFiniteNumber(v['buckets']) &&
    (v['range'] === undefined || (isArrayOf(v['range'], isFiniteNumber) && v['range'].length === 2))
  );
}

const isColumnLabel = (v: unknown): v is { id: string; label: string } => isRecord(v) && isString(v['id']) && isString(v['label']);

export const fromCompareValidators: Validators<FromCompare> = {
  ready: noPayload,
  table: (m) => isFiniteNumber(m['requestId']) && isTableQuery(m['query']),
  series: (m) => isFiniteNumber(m['requestId']) && isSeriesRequest(m['request']),
  star: (m) => isNonEmptyString(m['runId']) && isBoolean(m['starred']),
  openRun: (m) => isNonEmptyString(m['runId']),
  exportCsv: (m) => isTableQuery(m['query']) && isArrayOf(m['columns'], isColumnLabel),
  savePng: (m) => isString(m['dataUrl']) && m['dataUrl'].startsWith('data:image/png;base64,') && isString(m['name']),
};

export const toCompareValidators: Validators<ToCompare> = {
  table: (m) => isFiniteNumber(m['requestId']) && isRecord(m['page']) && isArrayOf(m['page']['ids'], isString) && isRecord(m['page']['cells']),
  tableError: (m) => isFiniteNumber(m['requestId']) && isRecord(m['problem']) && isString(m['problem']['message']),
  series: (m) => isFiniteNumber(m['requestId']) && isArrayOf(m['series'], isRecord),
  changed: (m) => isArrayOf(m['runIds'], isString),
  error: (m) => isString(m['message']),
};

export interface ChartSettings {
  metrics: string[];
  xAxis: XAxis;
  /** EMA smoothing weight in [0, 0.99]; 0 is off. */
  smoothing: number;
  log: boolean;
}

/** What the panel remembers across reloads (`setState`, and the panel serializer). */
export interface CompareState {
  init: CompareInit;
  filter: string;
  sort: { id: string; desc: boolean }[];
  aggregate: Aggregate;
  /** Column order the user chose (ids); columns not listed follow in catalogue order. */
  order: string[];
  hidden: string[];
  pinned: string[];
  widths: Record<string, number>;
  onlyDiffering: boolean;
  selected: string[];
  /** Run id → palette index, so a run keeps its color while it stays selected. */
  colors: Record<string, number>;
  chart: ChartSettings;
  /** Column id to group the table by (a param or tag); absent for the flat table. */
  groupBy?: string;
  /** Parallel coordinates axes and scatter columns; absent until the user changes them. */
  plots?: { axes: string[]; scatterX: string; scatterY: string };
}

export function isCompareInit(v: unknown): v is CompareInit {
  if (!isRecord(v) || !isNonEmptyString(v['folderUri']) || !isString(v['title']) || !isRecord(v['scope'])) return false;
  const s = v['scope'];
  return (s['runIds'] === undefined || isArrayOf(s['runIds'], isString)) && (s['experimentNames'] === undefined || isArrayOf(s['experimentNames'], isString));
}

export function isCompareState(v: unknown): v is CompareState {
  if (!isRecord(v) || !isCompareInit(v['init']) || !isRecord(v['chart'])) return false;
  const c = v['chart'];
  return (
    isString(v['filter']) &&
    isArrayOf(v['sort'], (s): s is { id: string; desc: boolean } => isRecord(s) && isString(s['id']) && isBoolean(s['desc'])) &&
    AGGREGATES.includes(v['aggregate'] as string) &&
    isArrayOf(v['order'], isString) &&
    isArrayOf(v['hidden'], isString) &&
    isArrayOf(v['pinned'], isString) &&
    isRecord(v['widths']) &&
    isBoolean(v['onlyDiffering']) &&
    isArrayOf(v['selected'], isString) &&
    isRecord(v['colors']) &&
    isArrayOf(c['metrics'], isString) &&
    AXES.includes(c['xAxis'] as string) &&
    isFiniteNumber(c['smoothing']) &&
    isBoolean(c['log']) &&
    (v['groupBy'] === undefined || isString(v['groupBy'])) &&
    (v['plots'] === undefined ||
      (isRecord(v['plots']) && isArrayOf(v['plots']['axes'], isString) && isString(v['plots']['scatterX']) && isString(v['plots']['scatterY'])))
  );
}

export function initialState(init: CompareInit): CompareState {
  return {
    init,
    filter: '',
    sort: [{ id: 'start_time', desc: true }],
    aggregate: 'last',
    order: [],
    hidden: [],
    pinned: ['name'],
    widths: {},
    onlyDiffering: false,
    selected: [],
    colors: {},
    chart: { metrics: [], xAxis: 'step', smoothing: 0, log: false },
  };
}
