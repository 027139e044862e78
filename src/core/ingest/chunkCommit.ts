/**
 * The store side of ingest: a parsed chunk's rows and the log's new offset, committed in one
 * transaction that re-reads the offset first, so of two ingesters (two windows, the CLI) that read
 * the same chunk exactly one applies it. runIngestor.ts reads and scans the log; this file owns the
 * offsets, the transactions and the order events are applied in.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database';
import type { IngestIssue, ParsedChunk } from './chunkParser';
import { type EventApplier, RejectedEventError } from './eventApplier';

/** Where the committed part of a run's log ends: its byte offset and the lines before it. */
export interface Offset {
  byte_offset: number;
  line: number;
}

export interface IngestStatements {
  getOffset: Statement;
  setOffset: Statement;
  recordIssue: Statement;
}

/** Statements prepared once per connection: preparing them per run made catch-up O(runs). */
const prepared = new WeakMap<Db, IngestStatements>();

export function ingestStatements(db: Db): IngestStatements {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepareIngestStatements(db)));
  return s;
}

function prepareIngestStatements(db: Db): IngestStatements {
  return {
    getOffset: db.prepare('SELECT byte_offset, line FROM ingest_offsets WHERE run_id = ?'),
    setOffset: db.prepare(
      `INSERT INTO ingest_offsets (run_id, byte_offset, line, file_size, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET byte_offset = excluded.byte_offset, line = excluded.line,
         file_size = excluded.file_size, updated_at = excluded.updated_at`,
    ),
    recordIssue: db.prepare('INSERT OR REPLACE INTO ingest_errors (run_id, line, message, at) VALUES (?, ?, ?, ?)'),
  };
}

/** The committed offset of a run's log; the start when nothing was committed yet. */
export function committedOffset(s: IngestStatements, runId: string): Offset {
  return (s.getOffset.get(runId) as Offset | undefined) ?? { byte_offset: 0, line: 0 };
}

/** One parsed chunk of a run's log, read from `from` up to `next`. */
export interface ChunkCommit {
  runId: string;
  file: string;
  chunk: ParsedChunk;
  from: Offset;
  next: Offset;
  fileSize: number;
  /** Extend long series' chart tiles in this transaction (IngestOptions.keepTiles). */
  keepTiles: boolean;
}

/**
 * Commits a chunk's rows, its issues and the new offset; false when another ingester committed
 * from `from` first (nothing of ours is then kept). A chunk with an event the store refuses is
 * applied again event by event, and each refused one becomes an issue of the chunk instead of
 * stopping the run.
 */
export function commitChunk(db: Db, s: IngestStatements, applier: EventApplier, c: ChunkCommit): boolean {
  const pointsBefore = applier.points;
  const commit = (oneByOne: boolean) =>
    db
      .transaction((): boolean => {
        if (committedOffset(s, c.runId).byte_offset !== c.from.byte_offset) return false; // someone else got here first
        applier.points = pointsBefore; // a first attempt that rolled back counted its points
        // Event by event, tiles would be rewritten per point: leave them stale for the idle pass.
        applier.keepTiles = c.keepTiles && !oneByOne;
        applier.begin();
        if (oneByOne) applyOneByOne(db, applier, c.chunk, c.file);
        else {
          applyInOrder(applier, c.chunk);
          applier.flush();
        }
        for (const issue of c.chunk.issues) s.recordIssue.run(c.runId, issue.line, issue.message, Date.now());
        s.setOffset.run(c.runId, c.next.byte_offset, c.next.line, c.fileSize, Date.now());
        return true;
      })
      .immediate();
  try {
    return commit(false);
  } catch (e) {
    // One event the store refuses (a constraint) must not stop the run, let alone the others.
    if (!isRowError(e)) throw e;
    return commit(true);
  }
}

/** Moves the offset past a line that is not ingested (too long), recording why; a no-op if another ingester moved it. */
export function commitSkip(db: Db, s: IngestStatements, runId: string, from: Offset, to: Offset, fileSize: number, issue: IngestIssue): void {
  db.transaction(() => {
    if (committedOffset(s, runId).byte_offset !== from.byte_offset) return;
    s.recordIssue.run(runId, issue.line, issue.message, Date.now());
    s.setOffset.run(runId, to.byte_offset, to.line, fileSize, Date.now());
  }).immediate();
}

/** Removes everything ingest derived from one run's log, so it can be read again from the start. */
export function forgetRun(db: Db, runId: string): void {
  db.transaction(() => {
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    db.prepare('DELETE FROM ingest_offsets WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM ingest_errors WHERE run_id = ?').run(runId);
  }).immediate();
}

/** Errors about one row's content, as opposed to the store being busy, full or broken. */
function isRowError(e: unknown): boolean {
  if (e instanceof RejectedEventError) return true;
  const code = (e as { code?: unknown }).code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE')
  );
}

/** Applies a chunk's points and other events in log order. */
function applyInOrder(applier: EventApplier, parsed: ParsedChunk): void {
  const { points, events, eventPoints } = parsed;
  let p = 0;
  for (let i = 0; i < events.length; i++) {
    const upTo = eventPoints[i]!;
    applier.applyPoints(points, p, upTo);
    applier.apply(events[i]!);
    p = upTo;
  }
  applier.applyPoints(points, p, points.length);
}

/** Applies each event and point in its own savepoint, in log order; one the store refuses becomes an issue. */
function applyOneByOne(db: Db, applier: EventApplier, parsed: ParsedChunk, file: string): void {
  const { points, events, eventPoints } = parsed;
  const one = (apply: () => void, line: number) => {
    try {
      db.transaction(() => {
        apply();
        applier.flush();
      })();
    } catch (e) {
      if (!isRowError(e)) throw e;
      applier.recover();
      parsed.issues.push({ file, line, message: `the store refused this event (${(e as Error).message}); it was skipped` });
    }
  };
  let p = 0;
  for (let i = 0; i <= events.length; i++) {
    const upTo = i < events.length ? eventPoints[i]! : points.length;
    for (; p < upTo; p++) {
      const at = p;
      one(() => applier.applyPoints(points, at, at + 1), points.line[at]!);
    }
    if (i < events.length) one(() => applier.apply(events[i]!), parsed.eventLines[i]!);
  }
}
