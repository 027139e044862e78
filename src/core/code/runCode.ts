import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import { getRun } from '../runs/queries';
import type { Db } from '../store/database';
import type { WorkspacePaths } from '../workspace';
import { CELLS_ARTIFACT, type CellRef, type CodeRef, parseCellList, parseCodeRef } from './codeRef';
import { readCodeObject } from './objects';
import { renderExecutedCells, renderNotebook } from './render';

/** `source`: readable code (a notebook as a percent script); `raw`: the stored file byte for byte. */
export type CodeView = 'source' | 'raw';

/** One run's code as a document for the diff editor or a panel. */
export interface CodeDocument {
  runId: string;
  runName: string;
  kind: CodeRef['kind'] | null;
  /** Where the code lived when the run started. */
  path: string | null;
  /** A file name for the document (decides syntax highlighting): `train.py`, `train.ipynb.py`. */
  fileName: string;
  text: string;
  /** False when the run recorded no code, or its objects are gone; `text` then says why. */
  available: boolean;
}

export function codeRefOf(db: Db, runId: string): CodeRef | null {
  const row = db.prepare(`SELECT json_extract(context, '$.code') AS code FROM runs WHERE id = ?`).get(runId) as { code: string | null } | undefined;
  if (!row) throw new MlwbError(`No run with id ${runId}.`, 'NOT_FOUND');
  if (!row.code) return null;
  try {
    return parseCodeRef(JSON.parse(row.code));
  } catch {
    return null;
  }
}

/** The cells a run executed: the one that started it, then (for a span) every later one. */
export function executedCells(runsDir: string, runId: string, ref: CodeRef | null): CellRef[] {
  let listed: CellRef[] = [];
  try {
    listed = parseCellList(fs.readFileSync(path.join(runsDir, runId, 'artifacts', CELLS_ARTIFACT), 'utf8'));
  } catch {
    // Only runs spanning cells have the list.
  }
  if (listed.length > 0) return listed;
  return ref?.cell ? [ref.cell] : [];
}

export function getRunCode(db: Db, paths: WorkspacePaths, runId: string, view: CodeView = 'source'): CodeDocument {
  const run = getRun(db, runId);
  const ref = codeRefOf(db, runId);
  const base = ref?.path ? path.basename(ref.path) : `${run.name}.py`;
  const doc = (text: string, available: boolean, fileName = base): CodeDocument => ({
    runId,
    runName: run.name,
    kind: ref?.kind ?? null,
    path: ref?.path ?? null,
    fileName,
    text,
    available,
  });
  if (!ref) return doc(`# Run "${run.name}" recorded no code (it was tracked before code capture, or with MLWB_CAPTURE_CODE=0).\n`, false);
  const file = readCodeObject(paths.objectsDir, ref.object);
  if (view === 'raw' || ref.kind === 'script') {
    if (file !== undefined) return doc(file, true);
    return doc(`# The code of run "${run.name}" is not in ${paths.objectsDir}${ref.error ? ` (${ref.error})` : ''}.\n`, false);
  }
  // A notebook (or an IPython session): the executed cells first, then the notebook as saved.
  const cells = executedCells(paths.runsDir, runId, ref).map((c) => ({
    source: readCodeObject(paths.objectsDir, c.object) ?? null,
    executionCount: c.execution_count,
    savedIndex: c.saved_index,
  }));
  const parts: string[] = [];
  if (cells.length > 0) parts.push(renderExecutedCells(cells));
  const rendered = file !== undefined ? renderNotebook(file) : undefined;
  if (rendered !== undefined) parts.push(`# %% ─── ${base} as saved when the run started (outputs left out) ───\n\n${rendered}`);
  else if (ref.path) parts.push(`# %% ─── ${base} was not stored${ref.error ? `: ${ref.error}` : ''} ───\n`);
  const fileName = base.endsWith('.py') ? base : `${base}.py`;
  return doc(parts.join('\n'), parts.length > 0 && (cells.some((c) => c.source !== null) || rendered !== undefined), fileName);
}
