import { createHash } from 'node:crypto';

/**
 * Matching editor cells to the runs they produced. Pure and free of the store, so the extension
 * host can use it: it hashes the cell's text the same way the Python client does.
 */

/** LF line ends and no trailing blank space: editor, kernel and saved file differ in exactly these. */
export function normalizeCellSource(source: string): string {
  return source.replace(/\r\n?/g, '\n').trimEnd();
}

export function cellSourceHash(source: string): string {
  return createHash('sha256').update(normalizeCellSource(source), 'utf8').digest('hex');
}

/** One run that a notebook's cells produced, as the backend reports it. */
export interface CellRun {
  runId: string;
  name: string;
  status: string;
  /** ISO 8601. */
  startTime: string;
  keyMetric: { key: string; value: string } | null;
  /** The cells that were part of the run: the one that started it, and for spans every later one. */
  cells: { id: string | null; sourceHash: string | null }[];
}

/**
 * The newest run a cell produced. The front end's cell id wins (exact while the notebook stays
 * open); after a reload ids change, so the normalized source hash is the fallback.
 */
export function runForCell(runs: readonly CellRun[], cell: { id: string; text: string }): CellRun | undefined {
  let hash: string | undefined;
  let best: CellRun | undefined;
  for (const run of runs) {
    const hit = run.cells.some((c) => {
      if (c.id !== null && c.id === cell.id) return true;
      if (c.sourceHash === null) return false;
      hash ??= cellSourceHash(cell.text);
      return c.sourceHash === hash;
    });
    if (hit && (!best || run.startTime > best.startTime || (run.startTime === best.startTime && run.runId > best.runId))) best = run;
  }
  return best;
}
