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

export class RequestLog {
  private stream: fs.WriteStream | undefined;
  private size = 0;
  private pending: string[] = [];
  private flushScheduled = false;
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

  write(rec: RequestRecord): void {
    const line = this.toLine(rec);
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.cfg.maxFileBytes) this.rotate();
    // Lines of one event-loop turn go out in one write: under load that is many requests per syscall.
    this.pending.push(line);
    this.size += bytes;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.pending.length) return;
    // Opened synchronously: a stream that opened its path later could land in the file a rotation
    // has just renamed into place, so records would go to the wrong file.
    this.stream ??= fs.createWriteStream('', { fd: fs.openSync(this.file, 'a') });
    this.stream.write(this.pending.length === 1 ? this.pending[0]! : this.pending.join(''));
    this.pending = [];
  }

  /** Flushes and closes the current file (SIGTERM). */
  close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = undefined;
    return s ? new Promise<void>((r) => s.end(() => r())) : Promise.resolve();
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
    const s = this.stream;
    this.stream = undefined;
    s?.end();
    // Renames are synchronous so no record lands in a file that is being moved.
    const name = (i: number): string => path.join(this.cfg.dir, `requests.${i}.jsonl`);
    fs.rmSync(name(this.cfg.maxFiles), { force: true });
    for (let i = this.cfg.maxFiles - 1; i >= 1; i--) if (fs.existsSync(name(i))) fs.renameSync(name(i), name(i + 1));
    if (fs.existsSync(this.file)) fs.renameSync(this.file, name(1));
    this.size = 0;
  }
}
