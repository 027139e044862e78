import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A ledger of per-run progress (import and push), append-only: each save appends the run's whole
 * entry as one JSON line and the last line per key wins on load. Saving is O(entry) however many
 * runs the ledger holds (rewriting a JSON file per save made a 10,000-run import quadratic), and a
 * line torn by a crash is skipped, leaving that run's previous entry, which is the safe side.
 */
export class Ledger<E> {
  private readonly entries = new Map<string, E>();
  private fd: number | undefined;

  constructor(readonly file: string) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const { k, v } = JSON.parse(line) as { k: string; v: E };
        if (typeof k === 'string') this.entries.set(k, v);
      } catch {
        /* a torn last line */
      }
    }
  }

  get(key: string): E | undefined {
    return this.entries.get(key);
  }

  save(key: string, entry: E): void {
    this.entries.set(key, entry);
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = fs.openSync(this.file, 'a');
    }
    fs.writeSync(this.fd, JSON.stringify({ k: key, v: entry }) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
