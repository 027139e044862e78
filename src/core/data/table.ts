import { MlwbError } from '../errors';

/** The tabular formats the preview, profile, drift and snapshot diff understand. */
export type TableFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

/** A value as read: CSV gives strings; JSONL and Parquet give typed values. */
export type Cell = string | number | boolean | bigint | null | undefined | Date | Uint8Array | object;

/** What a cell becomes on the wire (JSON-RPC, CLI): NaN and ±Inf as strings, like metrics. */
export type JsonCell = string | number | boolean | null;

export interface Batch {
  /** Every column known so far (JSONL can add columns as it goes); rows may be shorter. */
  columns: string[];
  rows: Cell[][];
}

export interface TablePage {
  columns: string[];
  rows: JsonCell[][];
  offset: number;
  /** Total row count when known (Parquet always; others once the page reached the end). */
  total: number | null;
  /** True when no rows follow this page. */
  done: boolean;
}

export interface ColumnSchema {
  name: string;
  type: string;
}

export interface TableReader {
  readonly file: string;
  /** What messages call the file (a workspace path, or "path in snapshot X"). */
  readonly name: string;
  readonly format: TableFormat;
  /** CSV/TSV cells are untyped text: numbers and booleans are inferred from it. */
  readonly untyped: boolean;
  /** Every row, in batches; stop early by breaking out of the loop. */
  batches(signal?: AbortSignal): AsyncGenerator<Batch>;
  readPage(offset: number, limit: number, signal?: AbortSignal): Promise<TablePage>;
  /** Row count and schema without reading the rows, when the format stores them (Parquet). */
  quickInfo(): Promise<{ rows: number; columns: ColumnSchema[] } | undefined>;
}

/** A malformed or unreadable table; the message names the file and, when known, the line or row. */
export class TableError extends MlwbError {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(message, 'INVALID_ARGUMENT');
    this.name = 'TableError';
  }
}

export function detectFormat(fileName: string): TableFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  return undefined;
}

export function toJsonCell(v: Cell): JsonCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/** Pages through `batches` (for formats that cannot seek to a row). */
export async function pageFromBatches(reader: TableReader, offset: number, limit: number, signal?: AbortSignal): Promise<TablePage> {
  const rows: JsonCell[][] = [];
  let columns: string[] = [];
  let index = 0;
  let full = false;
  for await (const b of reader.batches(signal)) {
    columns = b.columns;
    for (const r of b.rows) {
      if (index >= offset) {
        if (rows.length === limit) {
          full = true;
          break;
        }
        rows.push(r.map(toJsonCell));
      }
      index++;
    }
    if (full) break;
  }
  const padded = rows.map((r) => (r.length < columns.length ? [...r, ...new Array<JsonCell>(columns.length - r.length).fill(null)] : r));
  return { columns, rows: padded, offset, total: full ? null : index, done: !full };
}
