import { collectTable } from './profile';
import type { ColumnSchema, TableReader } from './table';

export interface TableSummary {
  rows: number;
  columns: ColumnSchema[];
}

/** Row count and column types: from the footer for Parquet, else one pass over the rows. */
export async function summarizeTable(reader: TableReader, signal?: AbortSignal): Promise<TableSummary> {
  const quick = await reader.quickInfo();
  if (quick) return quick;
  // Small caps: only the types are needed here, not distinct counts or samples.
  const { rows, columns } = await collectTable(reader, { distinctCap: 1, categoryCap: 1, sampleSize: 1, signal });
  return { rows, columns: columns.map((c) => ({ name: c.name, type: c.type })) };
}

export interface SchemaChange {
  columns_added: string[];
  columns_removed: string[];
  type_changed: { column: string; from: string; to: string }[];
}

export function schemaChange(a: readonly ColumnSchema[], b: readonly ColumnSchema[]): SchemaChange {
  const ta = new Map(a.map((c) => [c.name, c.type]));
  const tb = new Map(b.map((c) => [c.name, c.type]));
  return {
    columns_added: b.filter((c) => !ta.has(c.name)).map((c) => c.name),
    columns_removed: a.filter((c) => !tb.has(c.name)).map((c) => c.name),
    type_changed: a.filter((c) => tb.has(c.name) && tb.get(c.name) !== c.type).map((c) => ({ column: c.name, from: c.type, to: tb.get(c.name)! })),
  };
}
