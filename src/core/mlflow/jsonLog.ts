import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A small append-only JSON-lines file folded into state on read: the MLflow experiment table and
 * the MLflow model registry live in these (under `.mlwb/mlflow/`), next to the run event logs,
 * so a rebuilt store loses nothing. The fold is cached and redone only when the file grew, which
 * also picks up appends by another process (the CLI server and the VS Code backend share it).
 */
export class JsonLinesLog<S, E> {
  private cached: { size: number; state: S } | undefined;

  constructor(
    readonly file: string,
    private readonly initial: () => S,
    private readonly apply: (state: S, entry: E) => void,
  ) {}

  state(): S {
    const st = fs.statSync(this.file, { throwIfNoEntry: false });
    const size = st?.size ?? 0;
    if (this.cached && this.cached.size === size) return this.cached.state;
    const state = this.initial();
    if (st) {
      const text = fs.readFileSync(this.file, 'utf8');
      for (const line of text.split('\n')) {
        // A torn last line (a writer died mid-write) is skipped, as in the run event logs.
        if (!line.trim()) continue;
        try {
          this.apply(state, JSON.parse(line) as E);
        } catch {
          /* corrupt line: skipped, the rest still counts */
        }
      }
    }
    this.cached = { size, state };
    return state;
  }

  append(...entries: E[]): S {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, entries.map((e) => JSON.stringify(e) + '\n').join(''));
    return this.state();
  }
}
