import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { throwIfAborted } from '../snapshots/model';
import { type Batch, type Cell, type TablePage, type TableReader, TableError, pageFromBatches } from './table';

const BATCH = 2000;

/** JSON Lines: one JSON object per line; columns are the union of keys in first-seen order. */
export class JsonlTable implements TableReader {
  readonly format = 'jsonl' as const;
  readonly untyped = false;
  constructor(
    readonly file: string,
    readonly name: string,
  ) {}

  async *batches(signal?: AbortSignal): AsyncGenerator<Batch> {
    const input = fs.createReadStream(this.file, { encoding: 'utf8' });
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    const columns: string[] = [];
    const index = new Map<string, number>();
    let rows: Cell[][] = [];
    let lineNo = 0;
    try {
      for await (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch (e) {
          throw new TableError(`${this.name}: line ${lineNo} is not valid JSON (${(e as Error).message}).`, this.file, lineNo);
        }
        if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
          throw new TableError(`${this.name}: line ${lineNo} is not a JSON object; each line must be one {…} record.`, this.file, lineNo);
        }
        const row: Cell[] = new Array<Cell>(columns.length).fill(null);
        for (const [k, v] of Object.entries(obj)) {
          let i = index.get(k);
          if (i === undefined) {
            i = columns.length;
            index.set(k, i);
            columns.push(k);
          }
          row[i] = v as Cell;
        }
        rows.push(row);
        if (rows.length === BATCH) {
          throwIfAborted(signal);
          yield { columns: [...columns], rows };
          rows = [];
        }
      }
    } catch (e) {
      if (e instanceof TableError || (e as Error).name === 'AbortError') throw e;
      throw new TableError(`${this.name}: cannot read the JSONL file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, this.file);
    } finally {
      lines.close();
      input.destroy();
    }
    yield { columns: [...columns], rows };
  }

  readPage(offset: number, limit: number, signal?: AbortSignal): Promise<TablePage> {
    return pageFromBatches(this, offset, limit, signal);
  }

  async quickInfo(): Promise<undefined> {
    return undefined;
  }
}
