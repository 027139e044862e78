import * as fs from 'node:fs';
import { type AsyncBuffer, type FileMetaData, type SchemaElement, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { throwIfAborted } from '../snapshots/model';
import { type Batch, type Cell, type ColumnSchema, type TablePage, type TableReader, TableError, toJsonCell } from './table';

const BATCH = 10_000;

/** Parquet through hyparquet (pure JS): the footer gives rows and schema; rows are read by range. */
export class ParquetTable implements TableReader {
  readonly format = 'parquet' as const;
  readonly untyped = false;
  private meta: Promise<{ metadata: FileMetaData; columns: ColumnSchema[] }> | undefined;
  constructor(
    readonly file: string,
    readonly name: string,
  ) {}

  async *batches(signal?: AbortSignal): AsyncGenerator<Batch> {
    const { metadata, columns } = await this.metadata();
    const names = columns.map((c) => c.name);
    const total = Number(metadata.num_rows);
    for (let start = 0; start < total; start += BATCH) {
      throwIfAborted(signal);
      yield { columns: names, rows: await this.readRows(metadata, start, Math.min(total, start + BATCH)) };
    }
    if (total === 0) yield { columns: names, rows: [] };
  }

  async readPage(offset: number, limit: number): Promise<TablePage> {
    const { metadata, columns } = await this.metadata();
    const total = Number(metadata.num_rows);
    const end = Math.min(total, offset + limit);
    const rows = offset < end ? await this.readRows(metadata, offset, end) : [];
    return { columns: columns.map((c) => c.name), rows: rows.map((r) => r.map(toJsonCell)), offset, total, done: end >= total };
  }

  async quickInfo(): Promise<{ rows: number; columns: ColumnSchema[] }> {
    const { metadata, columns } = await this.metadata();
    return { rows: Number(metadata.num_rows), columns };
  }

  private metadata(): Promise<{ metadata: FileMetaData; columns: ColumnSchema[] }> {
    this.meta ??= (async () => {
      try {
        const metadata = await parquetMetadataAsync(await this.buffer());
        const columns = parquetSchema(metadata).children.map((c) => ({ name: c.element.name, type: parquetType(c.element, c.children.length > 0) }));
        return { metadata, columns };
      } catch (e) {
        throw this.explain(e, 'footer');
      }
    })();
    return this.meta;
  }

  private async readRows(metadata: FileMetaData, rowStart: number, rowEnd: number): Promise<Cell[][]> {
    try {
      let rows: Cell[][] = [];
      await parquetRead({ file: await this.buffer(), metadata, rowStart, rowEnd, onComplete: (r: unknown[][]) => (rows = r as Cell[][]) });
      return rows;
    } catch (e) {
      throw this.explain(e, `rows ${rowStart}–${rowEnd - 1}`);
    }
  }

  private async buffer(): Promise<AsyncBuffer> {
    const size = (await fs.promises.stat(this.file)).size;
    const file = this.file;
    return {
      byteLength: size,
      async slice(start: number, end: number = size): Promise<ArrayBuffer> {
        const out = new Uint8Array(Math.max(0, end - start));
        const fh = await fs.promises.open(file, 'r');
        try {
          await fh.read(out, 0, out.length, start);
        } finally {
          await fh.close();
        }
        return out.buffer;
      },
    };
  }

  private explain(e: unknown, where: string): Error {
    if ((e as Error).name === 'AbortError') return e as Error;
    const code = (e as NodeJS.ErrnoException).code;
    if (code) return new TableError(`${this.name}: cannot read the Parquet file (${code}).`, this.file);
    return new TableError(`${this.name}: not a valid Parquet file (reading ${where}): ${(e as Error).message}`, this.file);
  }
}

/** A short type name for a Parquet column, comparable across snapshots. */
function parquetType(el: SchemaElement, nested: boolean): string {
  if (nested) return 'nested';
  const logical = el.logical_type?.type;
  if (logical === 'STRING' || el.converted_type === 'UTF8') return 'string';
  if (logical === 'TIMESTAMP' || logical === 'DATE' || el.converted_type === 'DATE' || el.converted_type?.startsWith('TIMESTAMP')) return 'datetime';
  if (logical === 'DECIMAL' || el.converted_type === 'DECIMAL') return 'number';
  switch (el.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
    case 'INT96':
      return 'integer';
    case 'FLOAT':
    case 'DOUBLE':
      return 'number';
    default:
      return 'binary';
  }
}
