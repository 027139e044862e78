import * as fs from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { throwIfAborted } from '../snapshots/model';
import { type Batch, type TablePage, type TableReader, TableError, pageFromBatches } from './table';

const BATCH = 2000;

/** CSV and TSV through csv-parse (RFC 4180 quoting, BOM); the first record is the header. */
export class CsvTable implements TableReader {
  readonly untyped = true;
  constructor(
    readonly file: string,
    readonly name: string,
    readonly format: 'csv' | 'tsv',
  ) {}

  async *batches(signal?: AbortSignal): AsyncGenerator<Batch> {
    const input = fs.createReadStream(this.file);
    const parser = parse({ delimiter: this.format === 'tsv' ? '\t' : ',', bom: true, skip_empty_lines: true });
    input.on('error', (e) => parser.destroy(e));
    input.pipe(parser);
    let columns: string[] | undefined;
    let rows: string[][] = [];
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        if (!columns) {
          columns = headerNames(record);
          continue;
        }
        rows.push(record);
        if (rows.length === BATCH) {
          throwIfAborted(signal);
          yield { columns, rows };
          rows = [];
        }
      }
    } catch (e) {
      throw this.explain(e);
    } finally {
      input.destroy();
      parser.destroy();
    }
    if (columns) yield { columns, rows };
  }

  readPage(offset: number, limit: number, signal?: AbortSignal): Promise<TablePage> {
    return pageFromBatches(this, offset, limit, signal);
  }

  async quickInfo(): Promise<undefined> {
    return undefined;
  }

  private explain(e: unknown): Error {
    if (e instanceof TableError || (e as Error).name === 'AbortError') return e as Error;
    const kind = this.format.toUpperCase();
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      const what = e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' ? 'a row has a different number of fields than the header' : e.message;
      return new TableError(`${this.name}: malformed ${kind}${line ? ` at line ${line}` : ''}: ${what} (${e.message})`, this.file, line);
    }
    const code = (e as NodeJS.ErrnoException).code;
    return new TableError(`${this.name}: cannot read the ${kind} file (${code ?? (e as Error).message}).`, this.file);
  }
}

/** Header cells as column names: blanks get `column_N`, repeats get `_2`, `_3`, … */
export function headerNames(record: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return record.map((raw, i) => {
    const base = raw.trim() === '' ? `column_${i + 1}` : raw;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}
