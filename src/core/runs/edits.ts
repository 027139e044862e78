import * as fs from 'node:fs';
import * as path from 'node:path';
import { MlwbError } from '../errors';
import type { EditEvent } from '../ingest/events';

/** What a user can change about a run after the fact. */
export type RunEdit =
  { field: 'name'; value: string } | { field: 'lifecycle'; value: 'active' | 'deleted' } | { field: 'tag'; key: string; value: string | null };

const MAX_NAME = 250;
const MAX_TAG_VALUE = 8000;

/**
 * Records a user's edit by appending it to the run's event log, the source of truth, so that a
 * rebuilt store keeps renames, tags and deletions. One `write` on an O_APPEND descriptor keeps the
 * line whole even while the run's own process is appending.
 */
export function appendRunEdit(runsDir: string, runId: string, edit: RunEdit, now = Date.now()): void {
  validate(edit);
  const file = path.join(runsDir, runId, 'events.jsonl');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(runId) || !fs.existsSync(file)) {
    throw new MlwbError(`No event log for run ${runId} (${file}).`, 'NOT_FOUND');
  }
  const event = { type: 'edit', ts: now, ...edit } as EditEvent;
  const fd = fs.openSync(file, 'a');
  try {
    // A torn last line (the producer died mid-write) would swallow our line: start a fresh one.
    const size = fs.fstatSync(fd).size;
    const needsNewline = size > 0 && lastByte(file, size) !== 0x0a;
    fs.writeSync(fd, (needsNewline ? '\n' : '') + JSON.stringify(event) + '\n');
  } finally {
    fs.closeSync(fd);
  }
  // Ended runs grow only through edits; this log lets catch-ups find them without a stat per run.
  fs.appendFileSync(path.join(path.dirname(runsDir), 'edited-runs.log'), runId + '\n');
}

function lastByte(file: string, size: number): number {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, size - 1);
    return b[0]!;
  } finally {
    fs.closeSync(fd);
  }
}

function validate(edit: RunEdit): void {
  if (edit.field === 'name') {
    const name = edit.value.trim();
    if (!name) throw new MlwbError('A run name cannot be empty.', 'INVALID_ARGUMENT');
    if (name.length > MAX_NAME) throw new MlwbError(`A run name has at most ${MAX_NAME} characters.`, 'INVALID_ARGUMENT');
    edit.value = name;
  }
  if (edit.field === 'tag') {
    if (!/^[\w\-. /]{1,250}$/.test(edit.key)) {
      throw new MlwbError(`Invalid tag key "${edit.key}": use 1–250 letters, digits, _ - . / or spaces.`, 'INVALID_ARGUMENT');
    }
    if (edit.value !== null && edit.value.length > MAX_TAG_VALUE) {
      throw new MlwbError(`A tag value has at most ${MAX_TAG_VALUE} characters.`, 'INVALID_ARGUMENT');
    }
  }
}
