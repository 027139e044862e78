// The sampled request log the monitoring issue reads: binary frames in <dir>/requests.bin, rotated to
// requests.1.bin … requests.<maxFiles>.bin (1 = newest) once a file would pass maxFileBytes. The
// format is src/core/monitor/requestLogFormat.ts, specified in docs/server.md ("Request log"); the
// reader is src/core/monitor/requestLog.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FILE_MAGIC, FLAG_REQUEST, FLAG_RESPONSE, FLAG_TRUNCATED, FRAME_SYNC, HEADER, O, type RecordHead, TRAILER } from '../core/monitor/requestLogFormat';
import type { RequestLogConfig } from './config';

/** A body as the server read or sent it: JSON text, then binary-extension bytes when `jsonBytes` < its length. */
export interface RawBody {
  bytes: Buffer;
  jsonBytes: number;
}

/** A JSON answer as the string that went on the wire (`jsonBytes`: its UTF-8 length), copied into the frame without becoming a Buffer first. */
export interface TextBody {
  text: string;
  jsonBytes: number;
}

export type LoggedBody = RawBody | TextBody;

/** What a truncated record keeps of a tensor. */
export interface TensorHead {
  name: string;
  datatype: string;
  shape: readonly number[];
}

export interface RequestRecord extends RecordHead {
  error?: string;
  /** The request body, present when it parsed (so its JSON part is valid JSON), with its inputs. */
  request?: { body: RawBody; inputs: readonly TensorHead[] };
  /** The answer's body, present when inference answered, with its outputs. */
  response?: { body: LoggedBody; outputs: readonly TensorHead[] };
}

/**
 * A batch is written once this many bytes are waiting… Each write costs libuv's thread a fixed
 * wake-up and ext4 a journalled inode update whatever its size: measured inside one server (the
 * monitor bench's same-process part), 512 KiB batches halve that thread's time a request against
 * 64 KiB (0.54–0.67 against 1.10–1.31 µs, four server processes each).
 */
const FLUSH_BYTES = 512 * 1024;
/** …or this long after its first record, so a quiet server's records reach the file soon too. */
const FLUSH_MS = 50;
/** Bytes handed to the disk but not yet written; past this (a stalled disk) records are dropped, not queued in memory. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;
const BATCH_BYTES = 2 * FLUSH_BYTES;
/** Written batches kept for reuse, so a busy log allocates nothing per batch. */
const SPARE_BATCHES = 4;

/** A model's name and version, encoded once. */
interface Label {
  bytes: Buffer;
  modelLen: number;
  versionLen: number;
}

interface Batch {
  buf: Buffer;
  len: number;
}
type Op = Batch | 'rotate';
const isBatch = (op: Op): op is Batch => op !== 'rotate';

/**
 * Per sampled request, the serving thread copies a few numbers, the model label and the two raw
 * bodies into a frame in a batch buffer; nothing is formatted (the reader formats, off the serving
 * path). A full batch (512 KiB), or one 50 ms old, is written asynchronously (libuv's thread pool does the
 * system call; batches queued behind a running write go together in one writev), so a slow disk never
 * blocks serving. Writes and rotations run one at a time, in order.
 */
export class RequestLog {
  private batch: Buffer = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private view = viewOf(this.batch);
  private used = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes of the current file, counting frames not yet written, so rotation happens at a frame boundary. */
  private fileSize: number;
  private readonly ops: Op[] = [];
  private readonly spare: Buffer[] = [];
  private backlog = 0;
  private dropped = 0;
  private pumping: Promise<void> | undefined;
  private fd: number | undefined;
  /** The file being (re)started has no magic yet. */
  private needMagic: boolean;
  private reportedError = false;
  private lastModel = '';
  private lastVersion = '';
  private lastLabel: Label | undefined;
  private readonly labels = new Map<string, Label>();
  private readonly file: string;
  private closing: Promise<void> | undefined;
  /** The live sample rate: starts at the config's, changed by a config reload (SIGHUP) without a restart. */
  private rate: number;

  constructor(
    private readonly cfg: RequestLogConfig & { dir: string },
    private readonly random: () => number = Math.random,
  ) {
    this.rate = cfg.sampleRate;
    fs.mkdirSync(cfg.dir, { recursive: true });
    this.file = path.join(cfg.dir, 'requests.bin');
    const existing = fileStart(this.file);
    // Appending to our own file (a restarted server) keeps it; a torn last frame there is skipped by readers.
    this.needMagic = existing !== 'ours';
    this.fileSize = existing === 'ours' ? fs.statSync(this.file).size : FILE_MAGIC.length;
    if (existing === 'other') this.ops.push('rotate'); // not a log of this format: moved aside, not appended to
  }

  /**
   * Decides whether this request is sampled; callers skip building the record when not. At rate 0
   * this one comparison is all a request costs the log: no random draw, no record, no timer.
   */
  sample(): boolean {
    return this.rate > 0 && this.random() < this.rate;
  }

  get sampleRate(): number {
    return this.rate;
  }

  /** Changes the fraction sampled from the next request on; records already written stay. */
  set sampleRate(rate: number) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`sample rate must be in [0, 1], got ${rate}`);
    this.rate = rate;
  }

  /** Appends one record: a frame of fixed fields and raw bytes, written with the next batch. */
  write(rec: RequestRecord): void {
    if (this.closing) return;
    if (this.backlog >= MAX_BACKLOG_BYTES) {
      // The disk is far behind: drop rather than hold records in memory, and say so once.
      if (this.dropped++ === 0) process.stderr.write(`warning: request log ${this.file}: the disk is not keeping up; records are being dropped\n`);
      return;
    }
    const label = this.label(rec.model, rec.version);
    const req = rec.request?.body;
    const res = rec.response?.body;
    const resBytes = res ? bodyLength(res) : 0;
    const truncated = (req?.bytes.length ?? 0) + resBytes > this.cfg.maxRecordBytes;
    const reqLen = truncated || !req ? 0 : req.bytes.length;
    const resLen = truncated ? 0 : resBytes;
    const extra = rec.error === undefined && !truncated ? undefined : Buffer.from(extraText(rec, truncated));
    const len = HEADER + label.bytes.length + reqLen + resLen + (extra?.length ?? 0) + TRAILER;
    // Counted as written, so the size bound holds exactly; a frame that would pass it starts the next file.
    if (this.fileSize > FILE_MAGIC.length && this.fileSize + len > this.cfg.maxFileBytes) {
      this.handOver();
      this.ops.push('rotate');
      this.fileSize = FILE_MAGIC.length;
    }
    this.room(len);
    const at = this.used;
    const v = this.view;
    v.setUint32(at + O.sync, FRAME_SYNC, true);
    v.setUint32(at + O.length, len, true);
    v.setFloat64(at + O.time, rec.time, true);
    v.setFloat64(at + O.latency, rec.latency_ms, true);
    v.setFloat64(at + O.queue, rec.queue_ms ?? NaN, true);
    v.setFloat64(at + O.inference, rec.inference_ms ?? NaN, true);
    v.setUint16(at + O.status, rec.status, true);
    v.setUint16(at + O.flags, (rec.request ? FLAG_REQUEST : 0) | (rec.response ? FLAG_RESPONSE : 0) | (truncated ? FLAG_TRUNCATED : 0), true);
    v.setUint16(at + O.modelLen, label.modelLen, true);
    v.setUint16(at + O.versionLen, label.versionLen, true);
    v.setUint32(at + O.reqLen, reqLen, true);
    v.setUint32(at + O.reqJson, reqLen && req!.jsonBytes, true);
    v.setUint32(at + O.resLen, resLen, true);
    v.setUint32(at + O.resJson, resLen && res!.jsonBytes, true);
    v.setUint32(at + O.extraLen, extra?.length ?? 0, true);
    v.setUint32(at + O.reserved, 0, true);
    let p = at + HEADER;
    this.batch.set(label.bytes, p);
    p += label.bytes.length;
    if (reqLen) this.batch.set(req!.bytes, p);
    p += reqLen;
    if (resLen) {
      if ('text' in res!) this.batch.write(res.text, p, resLen, 'utf8');
      else this.batch.set(res!.bytes, p);
    }
    p += resLen;
    if (extra) this.batch.set(extra, p);
    v.setUint32(at + len - TRAILER, len, true);
    this.used = at + len;
    this.fileSize += len;
    if (this.used >= FLUSH_BYTES) this.handOver();
    else this.timer ??= setTimeout(() => this.handOver(), FLUSH_MS).unref();
  }

  /** The model label's bytes; the pair of the previous record is compared by identity first. */
  private label(model: string, version: string): Label {
    if (model === this.lastModel && version === this.lastVersion && this.lastLabel) return this.lastLabel;
    const key = `${model}\u0000${version}`;
    let l = this.labels.get(key);
    if (!l) {
      // The lengths are u16 fields; a name that long is cut (no real model name comes near).
      const m = Buffer.from(model).subarray(0, 0xffff);
      const ver = Buffer.from(version).subarray(0, 0xffff);
      l = { bytes: Buffer.concat([m, ver]), modelLen: m.length, versionLen: ver.length };
      this.labels.set(key, l);
    }
    this.lastModel = model;
    this.lastVersion = version;
    return (this.lastLabel = l);
  }

  /** A frame that does not fit hands the batch over first; one larger than a batch gets a buffer of its own size. */
  private room(bytes: number): void {
    if (this.used + bytes <= this.batch.length) return;
    this.handOver();
    if (bytes > this.batch.length) {
      this.batch = Buffer.allocUnsafeSlow(bytes);
      this.view = viewOf(this.batch);
    }
  }

  private handOver(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.used) return;
    this.ops.push({ buf: this.batch, len: this.used });
    this.backlog += this.used;
    this.used = 0;
    this.batch = this.spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.view = viewOf(this.batch);
    this.pumping ??= this.pump();
  }

  /** Runs the queued writes and rotations one after the other, off the serving thread's time. */
  private async pump(): Promise<void> {
    for (let op = this.ops.shift(); op; op = this.ops.shift()) {
      if (op === 'rotate') {
        await this.rotate();
        continue;
      }
      // Every batch queued up to the next rotation goes in one system call: when the disk is slower
      // than serving, batches pile up, and one write per batch would make each wait for a turn of the event loop.
      const batches = [op];
      while (this.ops.length && isBatch(this.ops[0]!)) batches.push(this.ops.shift() as Batch);
      await this.writeBatches(batches.map((b) => b.buf.subarray(0, b.len)));
      for (const b of batches) {
        this.backlog -= b.len;
        if (b.buf.length === BATCH_BYTES && this.spare.length < SPARE_BATCHES) this.spare.push(b.buf);
      }
    }
    this.pumping = undefined;
  }

  private async writeBatches(bufs: Buffer[]): Promise<void> {
    try {
      this.fd ??= await openAppend(this.file);
      if (this.needMagic) bufs.unshift(FILE_MAGIC);
      await writeAll(this.fd, bufs);
      this.needMagic = false;
    } catch (e) {
      this.reportError(e as Error); // the folder was removed, the disk is full…: these batches are lost
    }
  }

  /** The current file is closed and becomes requests.1.bin (older ones shift, the oldest goes); the next write starts a new one. */
  private async rotate(): Promise<void> {
    const name = (i: number): string => path.join(this.cfg.dir, `requests.${i}.bin`);
    try {
      if (this.fd !== undefined) await closeFd(this.fd);
      this.fd = undefined;
      await fs.promises.rm(name(this.cfg.maxFiles), { force: true });
      for (let i = this.cfg.maxFiles - 1; i >= 1; i--) await fs.promises.rename(name(i), name(i + 1)).catch(ignoreMissing);
      await fs.promises.rename(this.file, name(1)).catch(ignoreMissing);
    } catch (e) {
      this.reportError(e as Error);
    }
    this.needMagic = true;
  }

  /** Writes what is waiting and closes the file (drain, SIGTERM); later records are not logged. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.handOver();
      while (this.pumping) await this.pumping;
      if (this.fd !== undefined) await closeFd(this.fd).catch(() => undefined);
      this.fd = undefined;
    })();
    return this.closing;
  }

  /** A failing disk costs the log, never the serving: said once on stderr. */
  private reportError(err: Error): void {
    if (this.reportedError) return;
    this.reportedError = true;
    process.stderr.write(`warning: request log ${this.file}: ${err.message}; records are being lost\n`);
  }
}

const bodyLength = (b: LoggedBody): number => ('text' in b ? b.jsonBytes : b.bytes.length);

const viewOf = (b: Buffer): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The extra JSON object text of the rare fields: the error, and the tensor heads of a truncated record. */
function extraText(rec: RequestRecord, truncated: boolean): string {
  const o: Record<string, unknown> = {};
  if (rec.error !== undefined) o.error = rec.error;
  if (truncated) {
    if (rec.request) o.inputs = rec.request.inputs.map(head);
    if (rec.response) o.outputs = rec.response.outputs.map(head);
    o.truncated = true;
  }
  return JSON.stringify(o);
}

const head = (t: TensorHead): TensorHead => ({ name: t.name, datatype: t.datatype, shape: t.shape });

/** What is at `file` now: nothing (or an empty file, or a FIFO), a log of this format, or something else. */
function fileStart(file: string): 'none' | 'ours' | 'other' {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return 'none';
  }
  if (!st.isFile() || st.size === 0) return 'none';
  const head = Buffer.alloc(FILE_MAGIC.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head.equals(FILE_MAGIC) ? 'ours' : 'other';
}

/** Writes the buffers in order with one writev, then whatever a short write left. */
async function writeAll(fd: number, bufs: Buffer[]): Promise<void> {
  let n = await new Promise<number>((resolve, reject) => fs.writev(fd, bufs, (err, written) => (err ? reject(err) : resolve(written))));
  for (const b of bufs) {
    if (n >= b.length) {
      n -= b.length;
      continue;
    }
    for (let off = n; off < b.length;)
      off += await new Promise<number>((resolve, reject) =>
        fs.write(fd, b, off, b.length - off, null, (err, written) => (err ? reject(err) : resolve(written))),
      );
    n = 0;
  }
}

function openAppend(file: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, 'a', (err, fd) => (err ? reject(err) : resolve(fd))));
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

function ignoreMissing(e: NodeJS.ErrnoException): void {
  if (e.code !== 'ENOENT') throw e;
}
