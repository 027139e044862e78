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

export class RequestLog {
  private stream: fs.WriteStream | undefined;
  private size = 0;
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
    const line = JSON.stringify(this.toJson(rec)) + '\n';
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.cfg.maxFileBytes) this.rotate();
    this.stream ??= fs.createWriteStream(this.file, { flags: 'a' });
    this.stream.write(line);
    this.size += bytes;
  }

  /** Flushes and closes the current file (SIGTERM). */
  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    return s ? new Promise<void>((r) => s.end(() => r())) : Promise.resolve();
  }

  private toJson(rec: RequestRecord): Record<string, unknown> {
    const tensors = [...(rec.inputs ?? []), ...(rec.outputs ?? [])];
    const truncated = tensors.reduce((n, t) => n + approxBytes(t.data), 0) > this.cfg.maxRecordBytes;
    const enc = (ts: Tensor[] | undefined): unknown =>
      ts?.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, ...(truncated ? {} : { data: encodeJsonData(t.datatype as Datatype, t.data) }) }));
    const { inputs, outputs, ...rest } = rec;
    return { ...rest, ...(inputs ? { inputs: enc(inputs) } : {}), ...(outputs ? { outputs: enc(outputs) } : {}), ...(truncated ? { truncated: true } : {}) };
  }

  private rotate(): void {
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
