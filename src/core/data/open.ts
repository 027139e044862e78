import * as path from 'node:path';
import { CsvTable } from './csv';
import { JsonlTable } from './jsonl';
import { ParquetTable } from './parquet';
import { type TableFormat, type TableReader, TableError, detectFormat } from './table';

export interface OpenTableOptions {
  /** Needed when the file name has no telling extension (snapshot objects have none). */
  format?: TableFormat;
  /** What messages call the file; default: its path. */
  name?: string;
}

/** Opens a CSV, TSV, JSONL or Parquet file for paging, profiling and drift. */
export function openTable(file: string, options: OpenTableOptions = {}): TableReader {
  const name = options.name ?? file;
  const format = options.format ?? detectFormat(file);
  switch (format) {
    case 'csv':
    case 'tsv':
      return new CsvTable(file, name, format);
    case 'jsonl':
      return new JsonlTable(file, name);
    case 'parquet':
      return new ParquetTable(file, name);
    default:
      throw new TableError(`${name}: not a table this preview reads (${path.extname(file) || 'no extension'}); use .csv, .tsv, .jsonl or .parquet.`, file);
  }
}
