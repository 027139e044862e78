// The sampled request log the monitoring issue reads: JSON Lines in <dir>/requests.jsonl, rotated to
// requests.1.jsonl … requests.<maxFiles>.jsonl (1 = newest) once a file passes maxFileBytes. The
// record format is documented in docs/server.md ("Request log"); keep the two in step, and
// src/core/monitor/requestLog.ts, which reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatchedAppender } from './batchedAppender';
import type { RequestLogConfig } from './config';

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

export class RequestLog {
  private readonly out: BatchedAppender;
  private size = 0;
  private dropped = 0;
  private isoSecond = NaN;
  private isoPrefix = '';
  private readonly file: string;

  constructor(
    private readonly cfg: RequestLogConfig & { dir: string },
    private readonly random: () => number = Math.random,
  ) {
    fs.mkdirSync(cfg.dir, { recursive: true });
    this.file = path.join(cfg.dir, 'requests.jsonl');
    this.size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
    this.out = new BatchedAppender(this.file);
  }

  /** Decides whether this request is sampled; callers skip building the record when not. */
  sample(): boolean {
    return this.cfg.sampleRate > 0 && this.random() < this.cfg.sampleRate;
  }

  /**
   * Appends one record. The bodies go in as the server read and sent them (JSON verbatim, binary
   * tensor bytes as base64): re-encoding every tensor as JSON cost serving about a fifth of its
   * throughput at 100% sampling. The reader decodes them, off the serving path.
   */
  write(rec: RequestRecord): void {
    if (!this.out.hasRoom()) {
      // The disk is far behind: drop rather than hold records in memory, and say so once.
      if (this.dropped++ === 0) process.stderr.write(`warning: request log ${this.file}: the disk is not keeping up; records are being dropped\n`);
      return;
    }
    let head = `{"time":"${this.iso(rec.time)}","model":${q(rec.model)},"version":${q(rec.version)},"status":${rec.status},"latency_ms":${rec.latency_ms}`;
    if (rec.queue_ms !== undefined) head += `,"queue_ms":${rec.queue_ms}`;
    if (rec.inference_ms !== undefined) head += `,"inference_ms":${rec.inference_ms}`;
    if (rec.error !== undefined) head += `,"error":${q(rec.error)}`;
    const req = rec.request?.body;
    const res = rec.response?.body;
    this.out.beginRecord();
    if ((req?.bytes.length ?? 0) + (res?.bytes.length ?? 0) > this.cfg.maxRecordBytes) {
      if (rec.request) head += `,"inputs":${heads(rec.request.inputs)}`;
      if (rec.response) head += `,"outputs":${heads(rec.response.outputs)}`;
      this.out.putString(head + ',"truncated":true}\n');
    } else {
      // The bodies as one-byte text (latin1 maps each byte to one character and back), so the
      // record is two writes into the batch buffer however many pieces it has.
      let bodies = '';
      if (req) bodies += bodyText('request', req);
      if (res) bodies += bodyText('response', res);
      this.out.putString(head);
      this.out.putLatin1(bodies + '}\n');
    }
    // Counted as written, so the size bound holds exactly; a record that would pass it starts the next file.
    const bytes = this.out.recordBytes();
    if (this.size > 0 && this.size + bytes > this.cfg.maxFileBytes) this.rotate();
    this.size += bytes;
    this.out.commit();
  }

  /**
   * ISO 8601 text of a time in whole ms, formatting the date only once a second: toISOString on
   * every record was a quarter of the log's own cost.
   */
  private iso(ms: number): string {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.isoSecond) {
      this.isoSecond = sec;
      this.isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20); // 2026-11-26T08:25:44.
    }
    const m = ms - sec * 1000;
    return `${this.isoPrefix}${m < 10 ? '00' : m < 100 ? '0' : ''}${m}Z`;
  }

  /** Flushes and closes the current file (SIGTERM); resolves once every record is written. */
  close(): Promise<void> {
    return this.out.close();
  }

  private rotate(): void {
    // Records already counted against this file are written into it through its open descriptor,
    // so they land in it under its new name; the record being written goes to the new file.
    this.out.endFileBeforeRecord();
    // Renames are synchronous so no record lands in a file that is being moved.
    const name = (i: number): string => path.join(this.cfg.dir, `requests.${i}.jsonl`);
    fs.rmSync(name(this.cfg.maxFiles), { force: true });
    for (let i = this.cfg.maxFiles - 1; i >= 1; i--) if (fs.existsSync(name(i))) fs.renameSync(name(i), name(i + 1));
    if (fs.existsSync(this.file)) fs.renameSync(this.file, name(1));
    this.size = 0;
  }
}

/**
 * `,"request":<the JSON part verbatim>` and, for the binary extension, `,"request_binary_b64":"<the
 * rest>"`, as one-byte text. Line feeds in the JSON become spaces: in valid JSON (and the server only
 * logs bodies that parsed) a raw line feed can only be whitespace, so the meaning is unchanged and the
 * record stays on one line.
 */
function bodyText(key: 'request' | 'response', body: RawBody): string {
  let json = body.bytes.toString('latin1', 0, body.jsonBytes);
  if (json.includes('\n')) json = json.replaceAll('\n', ' ');
  const text = `,"${key}":${json}`;
  return body.jsonBytes < body.bytes.length ? `${text},"${key}_binary_b64":"${body.bytes.toString('base64', body.jsonBytes)}"` : text;
}

function heads(ts: readonly TensorHead[]): string {
  return '[' + ts.map((t) => `{"name":${q(t.name)},"datatype":${q(t.datatype)},"shape":${q(t.shape)}}`).join(',') + ']';
}
