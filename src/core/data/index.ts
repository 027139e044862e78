/** Tabular preview, profile and drift (see docs/snapshots.md, "Tables"). */
export { type Cell, type JsonCell, type TableFormat, type TablePage, type TableReader, TableError, detectFormat, toJsonCell } from './table';
export { type OpenTableOptions, openTable } from './open';
export { type ColumnProfile, type ProfileOptions, type TableProfile, profileTable } from './profile';
export { type ColumnDrift, type TableDrift, categoricalDistance, ksPValue, ksStatistic, psi, tableDrift } from './drift';
export { type SchemaChange, type TableSummary, schemaChange, summarizeTable } from './summary';
