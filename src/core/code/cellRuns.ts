import * as fs from 'node:fs';
import type { Db } from '../store/database';
import { keyMetric } from '../../shared/format';
import { getRun } from '../runs/queries';
import { type CellRun } from './cellMatch';
import { parseCodeRef } from './codeRef';
import { executedCells } from './runCode';

/** Newest runs per notebook considered for cell status items; older ones are history, not status. */
const MAX_RUNS = 200;

/**
 * The runs an open notebook's cells produced, newest first. The client records the notebook's
 * real path; the editor may know it through a symlink, so both spellings are looked up.
 */
export function cellRunsForNotebook(db: Db, runsDir: string, notebookPath: string): CellRun[] {
  const spellings = new Set([notebookPath]);
  try {
    spellings.add(fs.realpathSync(notebookPath));
  } catch {
    // An unsaved or deleted notebook: its recorded path is all there is.
  }
  const marks = [...spellings].map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT id, json_extract(context, '$.code') AS code FROM runs
        WHERE source_path IN (${marks}) AND source_kind = 'notebook' AND lifecycle = 'active'
        ORDER BY start_time DESC LIMIT ${MAX_RUNS}`,
    )
    .all(...spellings) as { id: string; code: string | null }[];
  const out: CellRun[] = [];
  for (const row of rows) {
    let ref = null;
    try {
      ref = row.code ? parseCodeRef(JSON.parse(row.code)) : null;
    } catch {
      continue;
    }
    const cells = executedCells(runsDir, row.id, ref);
    if (cells.length === 0) continue;
    const run = getRun(db, row.id);
    out.push({
      runId: run.id,
      name: run.name,
      status: run.status,
      startTime: run.start_time,
      keyMetric: keyMetric(run) ?? null,
      cells: cells.map((c) => ({ id: c.id, sourceHash: c.source_hash })),
    });
  }
  return out;
}
