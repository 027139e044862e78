// Appends records to one file in batches: records are copied into an in-memory buffer and go out as
// one fs.write per FLUSH_BYTES or FLUSH_MS, one write in flight at a time, in order. The request log
// uses it on the serving path, where a write per record (a thread-pool hand-off and a callback each)
// cost more than building the record. Puts are few and large on purpose: each crosses into C++.
import * as fs from 'node:fs';

/** A batch goes out once this many bytes are waiting… */
const FLUSH_BYTES = 256 * 1024;
/** …or this long after its first record, so a quiet server's records reach the file soon too. */
const FLUSH_MS = 100;
/** Bytes accepted but not yet written; past this (a stalled disk) appends are refused, not queued in memory. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/** A batch is `buf` (a view of `whole`, which goes back to the spares once written) for `fd`. */
type FileOp = { fd: number; buf: Buffer; whole: Buffer } | { fd: number; close: true };
const BATCH_BUFFER = 2 * FLUSH_BYTES;

export class BatchedAppender {
  private fd: number | undefined;
  private buf: Buffer = Buffer.allocUnsafe(BATCH_BUFFER);
  /** Written batch buffers, reused: a fresh 128 KiB buffer per batch kept the garbage collector busy. */
  private readonly spares: Buffer[] = [];
  private used = 0;
  private recordStart = 0;
  private timer: NodeJS.Timeout | undefined;
  /** File operations in order, one at a time: batches of one file, then its close. */
  private readonly ops: FileOp[] = [];
  private queuedBytes = 0;
  private busy = false;
  private readonly idle: (() => void)[] = [];
  private reportedError = false;

  constructor(private readonly file: string) {}

  /** False when the disk has fallen MAX_BACKLOG_BYTES behind: the caller drops the record. */
  hasRoom(): boolean {
    return this.queuedBytes + this.used < MAX_BACKLOG_BYTES;
  }

  /** Starts a record: what is put from here on can be moved to the next file by endFileBeforeRecord(). */
  beginRecord(): void {
    this.recordStart = this.used;
  }

  /** Bytes put since beginRecord(). */
  recordBytes(): number {
    return this.used - this.recordStart;
  }

  putString(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; only a string that might not fit is measured.
    if (this.used + 3 * s.length > this.buf.length) this.grow(Buffer.byteLength(s));
    this.used += this.buf.write(s, this.used);
  }

  /** A string of one-byte characters, each written as that byte (text read from bytes with toString('latin1')). */
  putLatin1(s: string): void {
    this.grow(s.length);
    this.used += this.buf.write(s, this.used, 'latin1');
  }

  /** A put that does not fit moves the batch to a bigger buffer. */
  private grow(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.used + bytes));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }

  /** Ends a record: the batch goes out when full, else within FLUSH_MS. */
  commit(): void {
    if (this.used >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  /**
   * Rotation: what came before the current record is written into the current file, which is then
   * closed; the record starts the next batch, which opens the path afresh (after the caller's renames).
   */
  endFileBeforeRecord(): void {
    const record = Buffer.from(this.buf.subarray(this.recordStart, this.used));
    this.used = this.recordStart;
    this.endFile();
    this.grow(record.length);
    this.used = record.copy(this.buf, 0);
    this.recordStart = 0;
  }

  private endFile(): void {
    this.flush();
    if (this.fd !== undefined) this.enqueue({ fd: this.fd, close: true });
    this.fd = undefined;
  }

  /** Writes what is waiting and closes the file; resolves once everything is written. */
  close(): Promise<void> {
    this.endFile();
    return this.busy ? new Promise<void>((r) => this.idle.push(r)) : Promise.resolve();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.used) return;
    const whole = this.buf;
    const out = whole.subarray(0, this.used);
    this.buf = this.spares.pop() ?? Buffer.allocUnsafe(BATCH_BUFFER); // the written batch stays with its write
    this.used = 0;
    this.recordStart = 0;
    try {
      // Opened synchronously: a file opened later could be one a rotation has just renamed into place.
      this.fd ??= fs.openSync(this.file, 'a');
    } catch (e) {
      this.reportError(e as Error); // the folder was removed, the disk is full…: this batch is lost
      return;
    }
    this.enqueue({ fd: this.fd, buf: out, whole });
  }

  private enqueue(op: FileOp): void {
    if ('buf' in op) this.queuedBytes += op.buf.length;
    this.ops.push(op);
    if (!this.busy) this.next();
  }

  private next(): void {
    const op = this.ops.shift();
    if (!op) {
      this.busy = false;
      for (const r of this.idle.splice(0)) r();
      return;
    }
    this.busy = true;
    if ('close' in op) {
      fs.close(op.fd, () => this.next());
      return;
    }
    const writeFrom = (offset: number): void => {
      fs.write(op.fd, op.buf, offset, op.buf.length - offset, null, (err, n) => {
        if (!err && offset + n < op.buf.length) return writeFrom(offset + n); // a short write: the rest
        this.queuedBytes -= op.buf.length;
        if (op.whole.length === BATCH_BUFFER && this.spares.length < 4) this.spares.push(op.whole);
        if (err) this.reportError(err);
        this.next();
      });
    };
    writeFrom(0);
  }

  /** A failing disk costs the log, never the serving: said once on stderr. */
  private reportError(err: Error): void {
    if (this.reportedError) return;
    this.reportedError = true;
    process.stderr.write(`warning: ${this.file}: ${err.message}; records are being lost\n`);
  }
}
