// The request log's writing thread. The serving thread (src/server/requestLog.ts) only copies each
// sampled record's numbers and raw body bytes into a binary frame and hands batches of frames over;
// this thread turns them into the JSON Lines records docs/server.md defines, rotates and writes. On
// the serving thread, formatting the text (numbers, body strings, line-feed replacement, base64) and
// the file writes cost ~5–9 µs a request, 10–15% of its time under load; here it costs no request time.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * A frame: FRAME_HEADER bytes, then the request body, the answer body, the error text and the
 * truncated record's tensor heads (the texts UTF-8, already JSON). Little-endian.
 */
export const FRAME_HEADER = 64;
export const F = {
  time: 0, // f64, ms since the epoch
  latency: 8, // f64
  queue: 16, // f64, NaN when inference did not run
  inference: 24, // f64, NaN when inference did not run
  status: 32, // u32
  model: 36, // u32, an id defined by a DefineModel message sent before the first frame that uses it
  flags: 40, // u32, FLAG_*
  reqLen: 44, // u32 bytes of request body in the frame
  reqJson: 48, // u32 of which JSON text (the rest is binary-extension data)
  resLen: 52,
  resJson: 56,
  textLen: 60, // u32 bytes of error text + heads text
} as const;
export const FLAG_REQUEST = 1;
export const FLAG_RESPONSE = 2;
/** The heads text replaces the bodies: `,"inputs":…,"outputs":…,"truncated":true`. */
export const FLAG_TRUNCATED = 4;

export interface LogWorkerData {
  role: 'requestLog';
  file: string;
  dir: string;
  maxFileBytes: number;
  maxFiles: number;
  /** BigInt64Array[1] over a SharedArrayBuffer: frame bytes this thread has written (the serving thread's backlog check). */
  consumed: SharedArrayBuffer;
}

/** Serving thread → this thread, in order. */
export type ToLogWorker = { t: 'model'; id: number; model: string; version: string } | { t: 'frames'; buf: ArrayBuffer; len: number } | { t: 'close' };

const q = JSON.stringify;

class RecordWriter {
  private fd: number | undefined;
  private size: number;
  private out = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private readonly models: string[] = []; // id → `,"model":"…","version":"…"`
  private isoSecond = NaN;
  private isoPrefix = '';
  private reportedError = false;
  private readonly consumed: BigInt64Array;
  private consumedBytes = 0n;

  constructor(private readonly d: LogWorkerData) {
    this.size = fs.existsSync(d.file) ? fs.statSync(d.file).size : 0;
    this.consumed = new BigInt64Array(d.consumed);
  }

  define(id: number, model: string, version: string): void {
    this.models[id] = `,"model":${q(model)},"version":${q(version)}`;
  }

  /** Formats every frame of a batch, then writes them with one write (two around a rotation). */
  frames(ab: ArrayBuffer, len: number): void {
    const b = Buffer.from(ab, 0, len);
    const v = new DataView(ab);
    for (let at = 0; at < len;) at = this.record(b, v, at);
    this.writeOut();
    this.consumedBytes += BigInt(len);
    Atomics.store(this.consumed, 0, this.consumedBytes);
  }

  private record(b: Buffer, v: DataView, at: number): number {
    const flags = v.getUint32(at + F.flags, true);
    const reqLen = v.getUint32(at + F.reqLen, true);
    const resLen = v.getUint32(at + F.resLen, true);
    const textLen = v.getUint32(at + F.textLen, true);
    const queue = v.getFloat64(at + F.queue, true);
    const inference = v.getFloat64(at + F.inference, true);
    let head = `{"time":"${this.iso(v.getFloat64(at + F.time, true))}"${this.models[v.getUint32(at + F.model, true)]},"status":${v.getUint32(at + F.status, true)},"latency_ms":${v.getFloat64(at + F.latency, true)}`;
    if (!Number.isNaN(queue)) head += `,"queue_ms":${queue}`;
    if (!Number.isNaN(inference)) head += `,"inference_ms":${inference}`;
    let p = at + FRAME_HEADER;
    const text = b.toString('utf8', p + reqLen + resLen, p + reqLen + resLen + textLen); // error, then heads when truncated
    const start = this.used;
    this.put(head + text);
    if (!(flags & FLAG_TRUNCATED)) {
      if (flags & FLAG_REQUEST) this.body('request', b, p, reqLen, v.getUint32(at + F.reqJson, true));
      p += reqLen;
      if (flags & FLAG_RESPONSE) this.body('response', b, p, resLen, v.getUint32(at + F.resJson, true));
    }
    this.put('}\n');
    // Counted as written, so the size bound holds exactly; a record that would pass it starts the next file.
    const bytes = this.used - start;
    if (this.size > 0 && this.size + bytes > this.d.maxFileBytes) this.rotate(start);
    this.size += bytes;
    return at + FRAME_HEADER + reqLen + resLen + textLen;
  }

  /**
   * `,"request":<the JSON part verbatim>` and, for the binary extension, `,"request_binary_b64":"<the
   * rest>"`. Line feeds in the JSON become spaces: in valid JSON (and the server only logs bodies that
   * parsed) a raw line feed can only be whitespace, so the meaning is unchanged and the record stays on one line.
   */
  private body(key: string, b: Buffer, p: number, len: number, json: number): void {
    this.put(`,"${key}":`);
    this.room(json);
    const from = this.used;
    this.used += b.copy(this.out, from, p, p + json);
    for (let i = this.out.indexOf(10, from); i >= 0 && i < this.used; i = this.out.indexOf(10, i + 1)) this.out[i] = 32;
    if (json < len) this.put(`,"${key}_binary_b64":"${b.toString('base64', p + json, p + len)}"`);
  }

  private put(s: string): void {
    this.room(3 * s.length);
    this.used += this.out.write(s, this.used);
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.out.length, this.used + bytes));
    this.out.copy(bigger, 0, 0, this.used);
    this.out = bigger;
  }

  /** ISO 8601 of a time in whole ms, the date formatted once a second. */
  private iso(ms: number): string {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.isoSecond) {
      this.isoSecond = sec;
      this.isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20); // 2026-11-26T08:25:44.
    }
    const m = ms - sec * 1000;
    return `${this.isoPrefix}${m < 10 ? '00' : m < 100 ? '0' : ''}${m}Z`;
  }

  /** What came before the record at `start` goes into the current file, which is closed; the record starts the next. */
  private rotate(start: number): void {
    const rest = this.used;
    this.used = start;
    this.writeOut();
    this.out.copy(this.out, 0, start, rest);
    this.used = rest - start;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    const name = (i: number): string => path.join(this.d.dir, `requests.${i}.jsonl`);
    try {
      fs.rmSync(name(this.d.maxFiles), { force: true });
      for (let i = this.d.maxFiles - 1; i >= 1; i--) if (fs.existsSync(name(i))) fs.renameSync(name(i), name(i + 1));
      if (fs.existsSync(this.d.file)) fs.renameSync(this.d.file, name(1));
    } catch (e) {
      this.reportError(e as Error);
    }
    this.size = 0;
  }

  private writeOut(): void {
    if (!this.used) return;
    try {
      this.fd ??= fs.openSync(this.d.file, 'a');
      for (let off = 0; off < this.used;) off += fs.writeSync(this.fd, this.out, off, this.used - off);
    } catch (e) {
      this.reportError(e as Error); // the folder was removed, the disk is full…: this batch is lost
    }
    this.used = 0;
  }

  close(): void {
    this.writeOut();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** A failing disk costs the log, never the serving: said once on stderr. */
  private reportError(err: Error): void {
    if (this.reportedError) return;
    this.reportedError = true;
    process.stderr.write(`warning: ${this.d.file}: ${err.message}; records are being lost\n`);
  }
}

function runRequestLogWorker(): void {
  const w = new RecordWriter(workerData as LogWorkerData);
  parentPort!.on('message', (m: ToLogWorker) => {
    if (m.t === 'frames') w.frames(m.buf, m.len);
    else if (m.t === 'model') w.define(m.id, m.model, m.version);
    else {
      w.close();
      parentPort!.postMessage('closed');
      parentPort!.close();
    }
  });
}

// This file is its own worker script when compiled on its own (tests), and part of dist/server.js
// (whose main.ts leaves this role to it) in the bundle.
if (!isMainThread && (workerData as Partial<LogWorkerData> | undefined)?.role === 'requestLog') runRequestLogWorker();
