// The sampled request log the monitoring issue reads: JSON Lines in <dir>/requests.jsonl, rotated to
// requests.1.jsonl … requests.<maxFiles>.jsonl (1 = newest) once a file passes maxFileBytes. The
// record format is documented in docs/server.md ("Request log"); keep the two in step.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RequestLogConfig } from './config';
import type { Datatype } from './datatypes';
import { type Tensor, approxBytes, encodeJsonData } from './tensorCodec';

export interface RequestRecord {
  time: string;
  model: string;
  version: string;
  id?: string;
  status: number;
  latency_ms: number;
  queue_ms?: number;
  inference_ms?: number;
  error?: string;
  inputs?: Tensor[];
  outputs?: Tensor[];
}

/** Datatypes whose tensors arrive as typed arrays and are logged as their raw bytes. */
const RAW_DATATYPES = new Set<string>(['FP32', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);

/**
 * Numeric tensors go into the log as base64 of their little-endian bytes (`data_b64`): printing
 * every float as JSON text cost the server about a fifth of its throughput at 100% sampling, the
 * bytes cost almost nothing. BOOL, FP16 and BYTES keep the protocol's JSON `data`.
 */
function encodeData(t: Tensor): string {
  const d = t.data;
  if (RAW_DATATYPES.has(t.datatype) && ArrayBuffer.isView(d)) return `,"data_b64":"${Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64')}"`;
  return `,"data":${JSON.stringify(encodeJsonData(t.datatype as Datatype, d))}`;
}

/** A batch goes out once this many bytes are waiting… */
const FLUSH_BYTES = 64 * 1024;
/** …or this long after its first record, so a quiet server's records still reach the file soon. */
const FLUSH_MS = 50;
/** Bytes handed to the file system but not yet written; past this (a stalled disk) records are dropped, not queued in memory. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

type FileOp = { fd: number; buf: Buffer } | { fd: number; close: true };

export class RequestLog {
  private fd: number | undefined;
  private size = 0;
  private pending = '';
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** File operations in order, one at a time: batches of one file, then its close. */
  private readonly ops: FileOp[] = [];
  private queuedBytes = 0;
  private busy = false;
  private idle: (() => void)[] = [];
  private dropped = 0;
  private reportedError = false;
  private readonly file: string;

  constructor(
    private readonly cfg: RequestLogConfig & { dir: string },
    private readonly random: () => number = Math.random,
  ) {
    fs.mkdirSync(cfg.dir, { recursive: true });
    this.file = path.join(cfg.dir, 'requests.jsonl');
    this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
  }

  /** Decides whether this request is sampled; callers skip building the record when not. */
  sample(): boolean {
    return this.cfg.sampleRate > 0 && this.random() < this.cfg.sampleRate;
  }

  /** Records dropped because the disk did not keep up (see MAX_QUEUED_BYTES). */
  get droppedRecords(): number {
    return this.dropped;
  }

  write(rec: RequestRecord): void {
    if (this.queuedBytes + this.pendingBytes > MAX_QUEUED_BYTES) {
      this.dropped++;
      return;
    }
    const line = this.toLine(rec);
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.cfg.maxFileBytes) this.rotate();
    // Records gather in memory and go out as one write per FLUSH_BYTES or FLUSH_MS: a write per
    // record (or per event-loop turn) cost a thread-pool hand-off each, and that hand-off, not
    // building the record, was most of the log's cost to serving throughput.
    this.pending += line;
    this.pendingBytes += bytes;
    this.size += bytes;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pendingBytes) return;
    // Opened synchronously: a file opened later could be one a rotation has just renamed into place.
    this.fd ??= fs.openSync(this.file, 'a');
    this.enqueue({ fd: this.fd, buf: Buffer.from(this.pending) });
    this.pending = '';
    this.pendingBytes = 0;
  }

  /** Writes what is waiting and closes the current file; resolves once it is all on disk (SIGTERM). */
  close(): Promise<void> {
    this.flush();
    if (this.fd !== undefined) this.enqueue({ fd: this.fd, close: true });
    this.fd = undefined;
    return this.busy ? new Promise<void>((r) => this.idle.push(r)) : Promise.resolve();
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
    process.stderr.write(`warning: request log ${this.file}: ${err.message}; records are being lost\n`);
  }

  /** The record as one JSON line, built as text: this runs for every sampled request on the event loop. */
  private toLine(rec: RequestRecord): string {
    const q = JSON.stringify;
    let line = `{"time":${q(rec.time)},"model":${q(rec.model)},"version":${q(rec.version)}`;
    if (rec.id !== undefined) line += `,"id":${q(rec.id)}`;
    line += `,"status":${rec.status},"latency_ms":${q(rec.latency_ms)}`;
    if (rec.queue_ms !== undefined) line += `,"queue_ms":${q(rec.queue_ms)}`;
    if (rec.inference_ms !== undefined) line += `,"inference_ms":${q(rec.inference_ms)}`;
    if (rec.error !== undefined) line += `,"error":${q(rec.error)}`;
    let bytes = 0;
    for (const t of rec.inputs ?? []) bytes += approxBytes(t.data);
    for (const t of rec.outputs ?? []) bytes += approxBytes(t.data);
    const truncated = bytes > this.cfg.maxRecordBytes;
    const tensors = (ts: Tensor[]): string =>
      '[' + ts.map((t) => `{"name":${q(t.name)},"datatype":${q(t.datatype)},"shape":${q(t.shape)}${truncated ? '' : encodeData(t)}}`).join(',') + ']';
    if (rec.inputs) line += `,"inputs":${tensors(rec.inputs)}`;
    if (rec.outputs) line += `,"outputs":${tensors(rec.outputs)}`;
    return line + (truncated ? ',"truncated":true}\n' : '}\n');
  }

  private rotate(): void {
    this.flush(); // lines already counted against this file go into it before it is renamed
    // Queued writes go through the old descriptor, so they land in that file under its new name.
    if (this.fd !== undefined) this.enqueue({ fd: this.fd, close: true });
    this.fd = undefined;
    // Renames are synchronous so no record lands in a file that is being moved.
    const name = (i: number): string => path.join(this.cfg.dir, `requests.${i}.jsonl`);
    fs.rmSync(name(this.cfg.maxFiles), { force: true });
    for (let i = this.cfg.maxFiles - 1; i >= 1; i--) if (fs.existsSync(name(i))) fs.renameSync(name(i), name(i + 1));
    if (fs.existsSync(this.file)) fs.renameSync(this.file, name(1));
    this.size = 0;
  }
}
