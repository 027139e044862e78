// The sampled request log the monitoring issue reads: JSON Lines in <dir>/requests.jsonl, rotated to
// requests.1.jsonl … requests.<maxFiles>.jsonl (1 = newest) once a file passes maxFileBytes. The
// record format is documented in docs/server.md ("Request log"); keep the two in step, and
// src/core/monitor/requestLog.ts, which reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RequestLogConfig } from './config';
import { F, FLAG_REQUEST, FLAG_RESPONSE, FLAG_TRUNCATED, FRAME_HEADER, type LogWorkerData, type ToLogWorker } from './requestLogWorker';

/** A body as the server read or sent it: JSON text, then binary-extension bytes when `jsonBytes` < its length. */
export interface RawBody {
  bytes: Buffer;
  jsonBytes: number;
}

/** What a truncated record keeps of a tensor. */
export interface TensorHead {
  name: string;
  datatype: string;
  shape: readonly number[];
}

export interface RequestRecord {
  /** When the answer went out, ms since the epoch (whole ms); logged as ISO 8601 `time`. */
  time: number;
  model: string;
  version: string;
  status: number;
  latency_ms: number;
  queue_ms?: number;
  inference_ms?: number;
  error?: string;
  /** The request body, present when it parsed (so its JSON part is valid JSON), with its inputs. */
  request?: { body: RawBody; inputs: readonly TensorHead[] };
  /** The answer's body, present when inference answered, with its outputs. */
  response?: { body: RawBody; outputs: readonly TensorHead[] };
}

const q = JSON.stringify;

/** A batch is handed to the writing thread once this many bytes are waiting… */
const FLUSH_BYTES = 64 * 1024;
/** …or this long after its first record, so a quiet server's records reach the file soon too. */
const FLUSH_MS = 50;
/** Bytes handed over but not yet written; past this (a stalled disk) records are dropped, not queued in memory. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/**
 * The serving thread's side of the log: per sampled request it copies a few numbers and the raw body
 * bytes into a frame (src/server/requestLogWorker.ts has the layout) and hands batches of frames to a
 * writing thread in one transfer (no copy), which formats, rotates and writes.
 */
export class RequestLog {
  private readonly worker: Worker;
  private batch: Buffer;
  private view: DataView;
  private used = 0;
  private timer: NodeJS.Timeout | undefined;
  private posted = 0;
  private readonly consumed: BigInt64Array;
  /** Set when a hand-over found the backlog full: from then on each record checks it again. */
  private stalled = false;
  private dropped = 0;
  private failed = false;
  private lastModel = '';
  private lastVersion = '';
  private lastId = -1;
  private readonly modelIds = new Map<string, number>();
  private readonly file: string;
  private closing: Promise<void> | undefined;

  /** `workerScript`: the server's bundle runs the writing thread from its own file; compiled on its own, this folder's requestLogWorker.js. */
  constructor(
    private readonly cfg: RequestLogConfig & { dir: string },
    private readonly random: () => number = Math.random,
    workerScript: string = path.join(__dirname, 'requestLogWorker.js'),
  ) {
    fs.mkdirSync(cfg.dir, { recursive: true });
    this.file = path.join(cfg.dir, 'requests.jsonl');
    const shared = new SharedArrayBuffer(8);
    this.consumed = new BigInt64Array(shared);
    const data: LogWorkerData = { role: 'requestLog', file: this.file, dir: cfg.dir, maxFileBytes: cfg.maxFileBytes, maxFiles: cfg.maxFiles, consumed: shared };
    this.worker = new Worker(workerScript, { workerData: data });
    this.worker.on('error', (e) => {
      this.failed = true;
      process.stderr.write(`warning: request log ${this.file}: the writing thread failed (${e.message}); records are being lost\n`);
    });
    // A server that is not stopping exits without waiting for the log (close() keeps it alive while flushing).
    this.worker.unref();
    [this.batch, this.view] = newBatch(FLUSH_BYTES * 2);
  }

  /** Decides whether this request is sampled; callers skip building the record when not. */
  sample(): boolean {
    return this.cfg.sampleRate > 0 && this.random() < this.cfg.sampleRate;
  }

  /**
   * Appends one record. The bodies go in as the server read and sent them (JSON verbatim, binary
   * tensor bytes as base64, formatted on the writing thread): re-encoding every tensor as JSON cost
   * serving about a fifth of its throughput at 100% sampling. The reader decodes them, off the serving path.
   */
  write(rec: RequestRecord): void {
    if (this.failed || this.closing) return;
    if (this.stalled && (this.stalled = this.backlog() >= MAX_BACKLOG_BYTES)) {
      // The disk is far behind: drop rather than hold records in memory, and say so once.
      if (this.dropped++ === 0) process.stderr.write(`warning: request log ${this.file}: the disk is not keeping up; records are being dropped\n`);
      return;
    }
    const req = rec.request?.body.bytes;
    const res = rec.response?.body.bytes;
    const truncated = (req?.length ?? 0) + (res?.length ?? 0) > this.cfg.maxRecordBytes;
    let text = rec.error === undefined ? '' : `,"error":${q(rec.error)}`;
    if (truncated) {
      if (rec.request) text += `,"inputs":${heads(rec.request.inputs)}`;
      if (rec.response) text += `,"outputs":${heads(rec.response.outputs)}`;
      text += ',"truncated":true';
    }
    const reqLen = truncated || !req ? 0 : req.length;
    const resLen = truncated || !res ? 0 : res.length;
    const textMax = 3 * text.length;
    this.room(FRAME_HEADER + reqLen + resLen + textMax);
    const at = this.used;
    const v = this.view;
    v.setFloat64(at + F.time, rec.time, true);
    v.setFloat64(at + F.latency, rec.latency_ms, true);
    v.setFloat64(at + F.queue, rec.queue_ms ?? NaN, true);
    v.setFloat64(at + F.inference, rec.inference_ms ?? NaN, true);
    v.setUint32(at + F.status, rec.status, true);
    v.setUint32(at + F.model, this.modelId(rec.model, rec.version), true);
    v.setUint32(at + F.flags, (rec.request ? FLAG_REQUEST : 0) | (rec.response ? FLAG_RESPONSE : 0) | (truncated ? FLAG_TRUNCATED : 0), true);
    v.setUint32(at + F.reqLen, reqLen, true);
    v.setUint32(at + F.reqJson, reqLen && rec.request!.body.jsonBytes, true);
    v.setUint32(at + F.resLen, resLen, true);
    v.setUint32(at + F.resJson, resLen && rec.response!.body.jsonBytes, true);
    let p = at + FRAME_HEADER;
    if (reqLen) this.batch.set(req!, p);
    p += reqLen;
    if (resLen) this.batch.set(res!, p);
    p += resLen;
    const textLen = text ? this.batch.write(text, p) : 0;
    v.setUint32(at + F.textLen, textLen, true);
    this.used = p + textLen;
    if (this.used >= FLUSH_BYTES) this.handOver();
    else this.timer ??= setTimeout(() => this.handOver(), FLUSH_MS).unref();
  }

  /** Model and version as a small id; the pair of the previous record is compared by identity first. */
  private modelId(model: string, version: string): number {
    if (model === this.lastModel && version === this.lastVersion) return this.lastId;
    const key = `${model}\u0000${version}`;
    let id = this.modelIds.get(key);
    if (id === undefined) {
      id = this.modelIds.size;
      this.modelIds.set(key, id);
      this.worker.postMessage({ t: 'model', id, model, version } satisfies ToLogWorker);
    }
    this.lastModel = model;
    this.lastVersion = version;
    return (this.lastId = id);
  }

  /** A frame that does not fit hands the batch over first; one larger than a batch gets a batch of its own size. */
  private room(bytes: number): void {
    if (this.used + bytes <= this.batch.length) return;
    this.handOver();
    if (bytes > this.batch.length) [this.batch, this.view] = newBatch(bytes);
  }

  private backlog(): number {
    return this.posted - Number(Atomics.load(this.consumed, 0));
  }

  private handOver(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.used) return;
    const ab = this.batch.buffer as ArrayBuffer;
    this.worker.postMessage({ t: 'frames', buf: ab, len: this.used } satisfies ToLogWorker, [ab]);
    this.posted += this.used;
    this.used = 0;
    [this.batch, this.view] = newBatch(FLUSH_BYTES * 2);
    this.stalled = this.backlog() >= MAX_BACKLOG_BYTES;
  }

  /** Hands over what is waiting and waits for the writing thread to write it and close the file (drain, SIGTERM). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.handOver();
      if (this.failed) return resolve();
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ t: 'close' } satisfies ToLogWorker);
    });
    return this.closing;
  }
}

/** A batch buffer over an ArrayBuffer of its own, so it can be transferred. */
function newBatch(bytes: number): [Buffer, DataView] {
  const ab = new ArrayBuffer(bytes);
  return [Buffer.from(ab), new DataView(ab)];
}

function heads(ts: readonly TensorHead[]): string {
  return '[' + ts.map((t) => `{"name":${q(t.name)},"datatype":${q(t.datatype)},"shape":${q(t.shape)}}`).join(',') + ']';
}
