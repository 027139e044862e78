/**
 * The comparison view's query engine (issue 5): MLflow search syntax for filters and order-by,
 * the runs table (pages and column catalogue) and downsampled metric series for charts.
 * The backend exposes these over JSON-RPC; the CLI calls them directly. See docs/query-language.md.
 */
export { FilterSyntaxError, formatFilterError, isFilterSyntaxError } from './syntaxError';
export { type FilterExpr, type OrderKey, parseFilter, parseOrderBy } from './parser';
export { fieldId } from './fields';
export type { MetricAggregate } from './compile';
export { type RunPage, type RunQuery, queryRuns } from './runs';
export { type Cell, type ColumnInfo, type ColumnKind, type RunsTable, type RunsTableQuery, runsTable } from './table';
export { type SampledSeries, type SeriesQuery, type XAxis, getSeriesDownsampled } from './series';
export { invalidateTiles, refreshTiles } from './tiles';
export { type DownsampleResult, downsampleMinMax, ema } from '../../shared/downsample';
