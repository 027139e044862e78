import * as fs from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { throwIfAborted } from '../snapshots/model';
import { type Batch, type TablePage, type TableReader, TableError, pageFromBatches } from './table';

const BATCH = 2000;

/**
 * Where rows start, by byte, every BATCH rows, remembered per file (while its size and mtime hold)
 * so a far page of a large CSV starts parsing near it instead of from the first byte (issue 13).
 */
interface RowMarks {
  size: number;
  mtimeMs: number;
  columns: string[];
  /** Row index (a multiple of BATCH) → byte offset where that row starts. */
  marks: Map<number, number>;
}
const rowMarks = new Map<string, RowMarks>();
const MAX_MARKED_FILES = 32;

/** Rows parsed by this process; tests read it to see that far pages do not re-parse the file. */
export const csvStats = { rowsParsed: 0 };

function marksFor(file: string, columns?: string[]): RowMarks | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  const known = rowMarks.get(file);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known;
  if (!columns) return undefined;
  if (rowMarks.size >= MAX_MARKED_FILES) rowMarks.delete(rowMarks.keys().next().value as string);
  const fresh: RowMarks = { size: st.size, mtimeMs: st.mtimeMs, columns, marks: new Map() };
  rowMarks.set(file, fresh);
  return fresh;
}

interface StartAt {
  row: number;
  byte: number;
  columns: string[];
}

/** CSV and TSV through csv-parse (RFC 4180 quoting, BOM); the first record is the header. */
export class CsvTable implements TableReader {
  readonly untyped = true;
  constructor(
    readonly file: string,
    readonly name: string,
    readonly format: 'csv' | 'tsv',
  ) {}

  batches(signal?: AbortSignal): AsyncGenerator<Batch> {
    return this.batchesFrom(undefined, signal);
  }

  /** Batches from the start, or from a remembered row start (no header there: columns known). */
  private async *batchesFrom(start: StartAt | undefined, signal?: AbortSignal): AsyncGenerator<Batch> {
    const base = start?.byte ?? 0;
    const input = fs.createReadStream(this.file, { start: base });
    const parser = parse({ delimiter: this.format === 'tsv' ? '\t' : ',', bom: !start, skip_empty_lines: true, info: true });
    input.on('error', (e) => parser.destroy(e));
    input.pipe(parser);
    let columns: string[] | undefined = start?.columns;
    let marks = columns ? marksFor(this.file) : undefined;
    let row = start?.row ?? 0;
    let prevEnd = base;
    let rows: string[][] = [];
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
        const end = base + info.bytes;
        if (!columns) {
          columns = headerNames(record);
          marks = marksFor(this.file, columns);
          prevEnd = end;
          continue;
        }
        if (row % BATCH === 0) marks?.marks.set(row, prevEnd);
        prevEnd = end;
        row++;
        csvStats.rowsParsed++;
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

  async readPage(offset: number, limit: number, signal?: AbortSignal): Promise<TablePage> {
    const known = marksFor(this.file);
    let start: StartAt | undefined;
    for (const [row, byte] of known?.marks ?? []) {
      if (row > 0 && row <= offset && (!start || row > start.row)) start = { row, byte, columns: known!.columns };
    }
    if (!start) return pageFromBatches(this, offset, limit, signal);
    const from = start;
    const page = await pageFromBatches({ batches: (s?: AbortSignal) => this.batchesFrom(from, s) } as TableReader, offset - from.row, limit, signal);
    return { ...page, offset, total: page.total === null ? null : page.total + from.row };
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
