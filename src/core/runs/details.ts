import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import type { RunContext } from '../ingest/events';
import { getRun } from './queries';
import type { Run } from '../../shared/runModel';
import { listInputsOfRun } from '../snapshots/lineage';

export interface RunArtifact {
  /** Relative to the run's artifacts folder, with `/` separators. */
  path: string;
  size: number | null;
}

export interface RunDetails {
  run: Run;
  context: RunContext | null;
  artifacts: RunArtifact[];
  /** Absolute folder of the run (`.mlwb/runs/<id>`), for opening files from it. */
  runDir: string;
  /** The end of output.log; `outputTruncated` says whether earlier output was left out. */
  outputTail: string;
  outputTruncated: boolean;
  /** Lines of the event log that could not be ingested. */
  issues: { line: number; message: string }[];
  /** Data the run read (`run.log_input`), each linked to the snapshot of its content. */
  inputs: RunInputSummary[];
}

export interface RunInputSummary {
  path: string;
  snapshot_id: string;
  snapshot_name: string | null;
  created_at: string;
  file_count: number;
  total_bytes: number;
}

const OUTPUT_TAIL_BYTES = 64 * 1024;

/** Everything the run details panel shows, in one request. */
export function getRunDetails(db: Db, runsDir: string, id: string): RunDetails {
  const run = getRun(db, id);
  const row = db.prepare('SELECT context FROM runs WHERE id = ?').get(id) as { context: string | null };
  const artifacts = db.prepare('SELECT path, size FROM artifacts WHERE run_id = ? ORDER BY path').all(id) as RunArtifact[];
  const issues = db.prepare('SELECT line, message FROM ingest_errors WHERE run_id = ? ORDER BY line LIMIT 100').all(id) as RunDetails['issues'];
  const runDir = path.join(runsDir, id);
  const { text, truncated } = readTail(path.join(runDir, 'output.log'), OUTPUT_TAIL_BYTES);
  const inputs = listInputsOfRun(db, id).map((i) => ({
    path: i.path,
    snapshot_id: i.snapshot.id,
    snapshot_name: i.snapshot.name,
    created_at: i.snapshot.created_at,
    file_count: i.snapshot.file_count,
    total_bytes: i.snapshot.total_bytes,
  }));
  return { run, context: parseContext(row.context), artifacts, runDir, outputTail: text, outputTruncated: truncated, issues, inputs };
}

function parseContext(json: string | null): RunContext | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as RunContext;
  } catch {
    return null;
  }
}

/** The last `bytes` of a text file, starting at a line boundary when cut. */
export function readTail(file: string, bytes: number): { text: string; truncated: boolean } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { text: '', truncated: false };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    let text = buf.toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text, truncated: start > 0 };
  } finally {
    fs.closeSync(fd);
  }
}
