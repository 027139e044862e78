import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Db } from '../store/database';
import { type Offset, commitChunk, commitSkip, committedOffset, forgetRun, ingestStatements } from './chunkCommit';
import { EventApplier, type LoggedInput } from './eventApplier';
import { finishChunk, parseChunk, type IngestIssue, type ParsedChunk } from './chunkParser';
import { PointColumns } from './pointColumns';
import { inlineScanRate, parseThread, parseThreadStats, type ParseThread, ThreadUse, WINDOW_BYTES } from './parseThread';
import { statLog } from './statLog';

export type { IngestIssue } from './chunkParser';

export interface RunIngestResult {
  runId: string;
  /** Events applied in this call. */
  events: number;
  points: number;
  issues: IngestIssue[];
  /** Input paths the run logged in this call, with when it read them (for snapshot lineage). */
  inputs: LoggedInput[];
  /** True when the log held nothing new (the caller need not notify anyone). */
  unchanged: boolean;
  /** True when maxChunks stopped the call before the end of the log. */
  more: boolean;
}

export interface IngestOptions {
  /** Bytes read and committed per transaction. Bigger is faster; smaller keeps each commit short. */
  readonly chunkBytes?: number;
  /** The longest line accepted; a longer one is reported and skipped. */
  readonly maxLineBytes?: number;
  /** Stop after this many committed chunks (result.more tells whether the log holds more). */
  readonly maxChunks?: number;
  /**
   * Keep long series' chart tiles current in each chunk's transaction, from the points parsed
   * (the backend, whose charts are opened the moment a run is queryable). Off for one-shot ingest
   * (CLI), where the first chart builds them.
   */
  readonly keepTiles?: boolean;
  /**
   * Scan the next chunk on the process's parse thread while this one's rows are inserted
   * (parseThread.ts); only logs with more than one chunk to read use it. true or false forces it
   * on or off; by default it is tried and dropped when it does not keep up (ThreadUse).
   */
  readonly parseAhead?: boolean;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;
const DEFAULT_MAX_LINE = 64 * 1024 * 1024;
/**
 * The first chunk of a long log when the parse thread reads the next ones: small, so the thread's
 * first scan starts almost at once. Each chunk handed on is then twice the last (up to chunkBytes):
 * inserting a chunk takes longer than scanning one twice its size, so the ingesting thread never
 * waits for the thread after the first.
 */
const RAMP_BYTES = 256 * 1024;
/** How long to wait, at the end of a call, for a scan no longer needed (it reads our descriptor). */
const SETTLE_MS = 2_000;
const NEWLINE = 0x0a;

/** A chunk handed to the parse thread, by where it starts in the log. */
interface Ahead {
  thread: ParseThread;
  id: number;
  from: number;
  bytes: number;
}

/**
 * Ingests whatever a run's event log gained since the offset committed last time.
 *
 * Each chunk's rows and the new offset commit in one transaction, and the offset is re-read inside
 * it: if another process (a second VS Code window, the CLI) committed that chunk first, ours is
 * dropped. So a crash or two concurrent ingesters never lose or duplicate a point. A last line
 * without its newline is still being written and waits for the next call.
 */
export function ingestRunLog(db: Db, runsDir: string, runId: string, options: IngestOptions = {}): RunIngestResult {
  const file = path.join(runsDir, runId, 'events.jsonl');
  const result: RunIngestResult = { runId, events: 0, points: 0, issues: [], inputs: [], unchanged: true, more: false };
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
  if (!isValidRunId(runId)) {
    result.issues.push({
      file,
      line: 0,
      message: `the folder name is not a valid run id (1 to ${MAX_RUN_ID} letters, digits, "-", "_" or "."); the run was skipped`,
    });
    return result;
  }
  const stmts = ingestStatements(db);
  // Nothing new (the common case when the backend starts over many runs): one stat, no open.
  const st = statLog(file);
  if (!st) return result;
  if (st !== 'unreadable' && st.isFile() && committedOffset(stmts, runId).byte_offset === st.size) return result;
  const applier = new EventApplier(db, runId);
  const points = columns;
  points.reset();

  const fd = openLog(file, result);
  if (fd === undefined) return result;
  /** The next chunk, being read and scanned on the parse thread while this one's rows are inserted. */
  let ahead: Ahead | undefined;
  try {
    let offset = committedOffset(stmts, runId);
    const size = fs.fstatSync(fd).size;
    if (size < offset.byte_offset) {
      // The log shrank: it was replaced, not appended to. Start this run over from its new log.
      forgetRun(db, runId);
      offset = { byte_offset: 0, line: 0 };
      result.issues.push({ file, line: 0, message: 'the event log got shorter than what was ingested; the run was re-ingested from the start' });
    }
    let readSize = chunkBytes;
    let chunks = 0;
    /** The size of the next chunk handed to the thread: grows from twice RAMP_BYTES to chunkBytes. */
    let aheadBytes = 0;
    const threadUse = ThreadUse.forCall(options.parseAhead);
    const wantsAhead = () => threadUse.on && chunkBytes <= WINDOW_BYTES && (options.maxChunks === undefined || chunks + 1 < options.maxChunks);
    for (;;) {
      if (options.maxChunks !== undefined && chunks >= options.maxChunks) {
        result.more = offset.byte_offset < fs.fstatSync(fd).size;
        break;
      }
      const fileSize = fs.fstatSync(fd).size;
      if (offset.byte_offset >= fileSize) break;
      let parsed: ParsedChunk | undefined;
      let end = -1;
      const pending = ahead;
      ahead = undefined;
      if (pending?.from === offset.byte_offset) {
        // When the thread did not keep up, this chunk is still used (or scanned below), the next ones are scanned here.
        const got = threadUse.take(pending.thread, pending.id, pending.bytes, offset.line);
        if (got) {
          end = got.end;
          parsed = finishChunk(got.scan, offset.line, file, got.points);
          aheadBytes = Math.min(chunkBytes, aheadBytes * 2);
          if (wantsAhead()) ahead = postAhead(fd, offset.byte_offset + end + 1, fileSize, aheadBytes);
        } else parseThreadStats.fallbacks++; // read and scanned below instead
      } else if (pending) {
        // Another ingester moved the offset: that chunk is not ours to apply. Let the thread finish
        // reading our descriptor before it can be closed.
        pending.thread.take(pending.id, 0, SETTLE_MS);
      }
      if (parsed === undefined) {
        // The first chunk of a long log is small when the thread takes the next ones: the
        // thread's first scan then overlaps inserts at once (see RAMP_BYTES).
        const ramp = chunks === 0 && wantsAhead() && fileSize - offset.byte_offset > chunkBytes && parseThread() !== undefined;
        const buf = readWindow(Math.min(ramp ? Math.min(RAMP_BYTES, readSize) : readSize, fileSize - offset.byte_offset));
        const readAt = performance.now();
        const n = fs.readSync(fd, buf, 0, buf.length, offset.byte_offset);
        const readMs = performance.now() - readAt;
        end = buf.lastIndexOf(NEWLINE, n - 1);
        if (end < 0) {
          // No complete line in this window: a line longer than the window, or a torn last line.
          if (offset.byte_offset + n >= fileSize) break; // torn line: wait for its newline
          if (readSize >= maxLine) {
            const skipTo = findNextNewline(fd, offset.byte_offset + n, fileSize);
            if (skipTo < 0) break;
            const issue = { file, line: offset.line + 1, message: `line longer than ${maxLine} bytes, skipped` };
            commitSkip(db, stmts, runId, offset, { byte_offset: skipTo + 1, line: offset.line + 1 }, fileSize, issue);
            result.issues.push(issue);
            offset = { byte_offset: skipTo + 1, line: offset.line + 1 };
            continue;
          }
          readSize = Math.min(maxLine, readSize * 4);
          continue;
        }
        readSize = chunkBytes;
        // Hand the next chunk to the parse thread before scanning this one, so the two overlap.
        if (wantsAhead()) {
          aheadBytes = Math.min(chunkBytes, Math.max(aheadBytes, 2 * (end + 1)));
          ahead = postAhead(fd, offset.byte_offset + end + 1, fileSize, aheadBytes);
        }
        const scanAt = performance.now();
        parsed = parseChunk(buf, end, offset.line, file, points);
        // What the thread saves this thread per byte (a read and a scan), for threadKeepsUp.
        inlineScanRate.record(readMs + performance.now() - scanAt, end + 1);
      }
      const chunk = parsed;
      if (chunk.futureFormat) {
        // Nothing is committed, so an updated ML Workbench ingests the whole log later.
        result.issues.push(chunk.futureFormat);
        break;
      }
      const next: Offset = { byte_offset: offset.byte_offset + end + 1, line: offset.line + chunk.lineCount };
      const committed = commitChunk(db, stmts, applier, { runId, file, chunk, from: offset, next, fileSize, keepTiles: options.keepTiles === true });
      if (committed) {
        result.events += chunk.events.length + chunk.fastEvents;
        result.points = applier.points;
        result.issues.push(...chunk.issues);
        result.inputs.push(...applier.inputs);
        result.unchanged = false;
        offset = next;
        chunks++;
      } else {
        offset = committedOffset(stmts, runId);
      }
    }
  } finally {
    // The thread may still be reading this descriptor for a chunk not needed after all.
    if (ahead) ahead.thread.take(ahead.id, 0, SETTLE_MS);
    fs.closeSync(fd);
  }
  return result;
}

/**
 * The columns every call parses its chunks into, reused: ingest is synchronous, so one call owns
 * them at a time, and a log's chunks need not grow fresh arrays each time.
 */
const columns = new PointColumns();

/**
 * The buffer chunks are read into, reused up to the default chunk size: a fresh 4 MiB buffer per
 * chunk cost more in page faults than the read itself. Nothing parsed keeps a view of it.
 */
let shared: Buffer | undefined;

function readWindow(size: number): Buffer {
  if (size > DEFAULT_CHUNK) return Buffer.allocUnsafeSlow(size);
  shared ??= Buffer.allocUnsafeSlow(DEFAULT_CHUNK);
  return shared.subarray(0, size);
}

/** Asks the parse thread to read and scan the chunk at `from`; undefined when there is nothing more or no thread. */
function postAhead(fd: number, from: number, fileSize: number, bytes: number): Ahead | undefined {
  if (from >= fileSize) return undefined;
  const thread = parseThread();
  if (!thread) return undefined;
  const length = Math.min(bytes, fileSize - from);
  return { thread, id: thread.post(fd, from, length), from, bytes: length };
}

/** Run ids name folders and rows; the store keeps at most 64 characters. */
const MAX_RUN_ID = 64;
const RUN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

export function isValidRunId(runId: string): boolean {
  return RUN_ID.test(runId);
}

/**
 * Opens a run's log without ever blocking: O_NONBLOCK so a FIFO planted as `events.jsonl` does
 * not wait for a writer, then only regular files are read (a directory or device is reported).
 */
function openLog(file: string, result: RunIngestResult): number | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    result.issues.push({ file, line: 0, message: `cannot open the event log (${(e as Error).message}); the run was skipped` });
    return undefined;
  }
  if (!fs.fstatSync(fd).isFile()) {
    fs.closeSync(fd);
    result.issues.push({ file, line: 0, message: 'the event log is not a regular file; the run was skipped' });
    return undefined;
  }
  return fd;
}

function findNextNewline(fd: number, from: number, fileSize: number): number {
  const buf = Buffer.allocUnsafe(1024 * 1024);
  for (let pos = from; pos < fileSize;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    const i = buf.indexOf(NEWLINE);
    if (i >= 0 && i < n) return pos + i;
    pos += n;
  }
  return -1;
}
