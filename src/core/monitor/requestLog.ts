/**
 * Reads a model server's sampled request log (docs/server.md, "Request log"): the binary files
 * requests.<N>.bin … requests.1.bin then requests.bin, oldest first, after the JSON Lines files
 * (requests.<N>.jsonl … requests.jsonl) of earlier servers in the same folder. A torn last frame or
 * line (the server is writing) or a damaged one is skipped. Gives the live input rows per input
 * tensor and the predictions, for drift and the prediction distribution. The server formats
 * nothing; this is where the frames become records, for the window being read only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LoggedTensor, legacyTensors, protocolTensors } from './loggedTensors';
import { type Frame, type FrameBody, readFrames } from './requestLogFormat';

export type { LoggedTensor } from './loggedTensors';

export interface LoggedRequest {
  time: string;
  /** `time` as ms since the epoch. */
  t: number;
  model: string;
  version: string;
  id?: string;
  status: number;
  latency_ms: number;
  queue_ms?: number;
  inference_ms?: number;
  error?: string;
  inputs?: LoggedTensor[];
  outputs?: LoggedTensor[];
  truncated?: boolean;
}

/** The log files of a folder, oldest first: earlier servers' JSON Lines files, then the binary ones. */
export function requestLogFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const series = (ext: string): string[] => {
    const rotated = names
      .map((n) => new RegExp(`^requests\\.(\\d+)\\.${ext}$`).exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => Number(b[1]) - Number(a[1]))
      .map((m) => path.join(dir, m[0]));
    return names.includes(`requests.${ext}`) ? [...rotated, path.join(dir, `requests.${ext}`)] : rotated;
  };
  return [...series('jsonl'), ...series('bin')];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** A line of an earlier server's JSON Lines log. */
function parseRecord(line: string): LoggedRequest | undefined {
  if (!line) return undefined;
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(r) || typeof r.time !== 'string' || typeof r.status !== 'number') return undefined;
  const t = Date.parse(r.time);
  if (!Number.isFinite(t)) return undefined;
  const rec: LoggedRequest = { time: r.time, t, model: String(r.model), version: String(r.version), status: r.status, latency_ms: num(r.latency_ms) ?? NaN };
  const request = isObject(r.request) ? r.request : undefined;
  const id = request ? request.id : r.id;
  if (typeof id === 'string') rec.id = id;
  if (num(r.queue_ms) !== undefined) rec.queue_ms = num(r.queue_ms);
  if (num(r.inference_ms) !== undefined) rec.inference_ms = num(r.inference_ms);
  if (typeof r.error === 'string') rec.error = r.error;
  // The bodies as the server read and sent them; records of earlier servers (and truncated ones) have inputs/outputs.
  const inputs = request ? protocolTensors(request.inputs, r.request_binary_b64) : legacyTensors(r.inputs);
  const outputs = isObject(r.response) ? protocolTensors(r.response.outputs, r.response_binary_b64) : legacyTensors(r.outputs);
  if (inputs) rec.inputs = inputs;
  if (outputs) rec.outputs = outputs;
  if (r.truncated === true) rec.truncated = true;
  return rec;
}

/** A body's JSON part parsed; undefined when it does not parse (the server only logs bodies that did). */
function parseBody(b: FrameBody | undefined): Json | undefined {
  if (!b) return undefined;
  try {
    const v: unknown = JSON.parse(b.json.toString('utf8'));
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function parseExtra(f: Frame): Json {
  if (f.extra === undefined) return {};
  try {
    const v: unknown = JSON.parse(f.extra);
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** A frame of the binary log as a record with plain tensor values. */
export function frameRecord(f: Frame): LoggedRequest {
  const rec: LoggedRequest = {
    time: new Date(f.time).toISOString(),
    t: f.time,
    model: f.model,
    version: f.version,
    status: f.status,
    latency_ms: f.latency_ms,
  };
  const request = parseBody(f.request);
  const response = parseBody(f.response);
  const extra = parseExtra(f);
  if (typeof request?.id === 'string') rec.id = request.id;
  if (f.queue_ms !== undefined) rec.queue_ms = f.queue_ms;
  if (f.inference_ms !== undefined) rec.inference_ms = f.inference_ms;
  if (typeof extra.error === 'string') rec.error = extra.error;
  const inputs = request ? protocolTensors(request.inputs, f.request!.binary) : legacyTensors(extra.inputs);
  const outputs = response ? protocolTensors(response.outputs, f.response!.binary) : legacyTensors(extra.outputs);
  if (inputs) rec.inputs = inputs;
  if (outputs) rec.outputs = outputs;
  if (extra.truncated === true) rec.truncated = true;
  return rec;
}

/** One file's records since `since`, not yet decoded: a frame's bodies are parsed only if it is kept. */
function readFile(file: string, since: number): (LoggedRequest | Frame)[] {
  if (file.endsWith('.bin')) return [...readFrames(fs.readFileSync(file), since)];
  const out: LoggedRequest[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const r = parseRecord(line);
    if (r && r.t >= since) out.push(r);
  }
  return out;
}

/**
 * Records since `sinceMs` (every one when undefined), oldest first, at most `limit` (the newest
 * ones). Rotated files entirely older than `sinceMs` are not read (their mtime is their last write);
 * frames before `sinceMs`, or beyond the limit, are skipped without parsing their bodies.
 */
export function readRequestLog(dir: string, options: { sinceMs?: number; limit?: number } = {}): LoggedRequest[] {
  const since = options.sinceMs ?? -Infinity;
  const limit = options.limit ?? 50_000;
  const all: (LoggedRequest | Frame)[] = [];
  for (const file of requestLogFiles(dir)) {
    try {
      if (fs.statSync(file).mtimeMs < since) continue;
      for (const r of readFile(file, since)) all.push(r);
    } catch {
      continue; // rotated away between listing and reading
    }
  }
  const kept = all.length > limit ? all.slice(all.length - limit) : all;
  return kept.map((r) => ('flags' in r ? frameRecord(r) : r));
}

/** Cell values as the drift code reads them: numbers, or the strings NaN/±Inf the log uses. */
function cell(v: unknown): number | string | boolean | null {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
}

/**
 * Rows of one input tensor across records: a `[n, k]` tensor gives n rows of k features, a `[n]`
 * tensor n rows of one. Records without data (truncated, failed to parse) are skipped.
 */
export function inputRows(
  records: readonly LoggedRequest[],
  input?: string,
): { name: string; width: number; rows: (number | string | boolean | null)[][] } | undefined {
  let name = input;
  let width = -1;
  const rows: (number | string | boolean | null)[][] = [];
  for (const r of records) {
    const tensor = r.inputs?.find((x) => (name === undefined ? true : x.name === name));
    if (!tensor?.data || !Array.isArray(tensor.shape)) continue;
    name ??= tensor.name;
    const k = tensor.shape.length >= 2 ? tensor.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    if (width < 0) width = k;
    if (k !== width || k <= 0) continue;
    for (let i = 0; i + k <= tensor.data.length; i += k) rows.push(tensor.data.slice(i, i + k).map(cell));
  }
  return name === undefined || width < 0 ? undefined : { name, width, rows };
}

export interface PredictionBin {
  /** Start of the bin, ms since the epoch. */
  t: number;
  /** Predicted value (class label, or the bucket of a numeric prediction) → count. */
  counts: Record<string, number>;
}

/**
 * Distribution of predictions over time: the first output (or `output`), in `bins` equal time bins
 * from `fromMs` to `toMs`. Integer, string and boolean predictions count per value; other numbers are
 * rounded to 2 significant digits so a regression's outputs still bucket.
 */
export function predictionDistribution(
  records: readonly LoggedRequest[],
  fromMs: number,
  toMs: number,
  bins = 30,
  output?: string,
): { output: string | null; bins: PredictionBin[] } {
  const width = Math.max(1, (toMs - fromMs) / bins);
  const out: PredictionBin[] = Array.from({ length: bins }, (_, i) => ({ t: Math.round(fromMs + i * width), counts: {} }));
  let name: string | null = output ?? null;
  for (const r of records) {
    if (r.t < fromMs || r.t > toMs) continue;
    // Without a name, the first one-dimensional output: a classifier's label rather than its probabilities.
    const o = name === null ? (r.outputs?.find((x) => x.shape.length === 1) ?? r.outputs?.[0]) : r.outputs?.find((x) => x.name === name);
    if (!o?.data) continue;
    name ??= o.name;
    const rowsOf = o.shape.length >= 2 ? o.shape[0]! : o.data.length;
    const k = rowsOf > 0 ? Math.max(1, Math.floor(o.data.length / rowsOf)) : 1;
    const bin = out[Math.min(bins - 1, Math.floor((r.t - fromMs) / width))]!;
    for (let i = 0; i < o.data.length; i += k) {
      const v: unknown = o.data[i];
      const key = typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(2))) : String(v);
      bin.counts[key] = (bin.counts[key] ?? 0) + 1;
    }
  }
  return { output: name, bins: out };
}
