/**
 * Reads a model server's sampled request log (docs/server.md, "Request log"): requests.<N>.jsonl …
 * requests.1.jsonl then requests.jsonl, oldest first. A torn last line (the server is writing) or a
 * damaged line is skipped. Gives the live input rows per input tensor and the predictions, for drift
 * and the prediction distribution.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LoggedTensor {
  name: string;
  datatype: string;
  shape: number[];
  /** The values; the reader fills it from `data_b64` (raw little-endian bytes) when the server wrote that. */
  data?: unknown[];
  data_b64?: string;
}

const VIEWS: Record<string, (b: ArrayBuffer) => ArrayLike<number | bigint>> = {
  FP32: (b) => new Float32Array(b),
  FP64: (b) => new Float64Array(b),
  INT8: (b) => new Int8Array(b),
  INT16: (b) => new Int16Array(b),
  INT32: (b) => new Int32Array(b),
  INT64: (b) => new BigInt64Array(b),
  UINT8: (b) => new Uint8Array(b),
  UINT16: (b) => new Uint16Array(b),
  UINT32: (b) => new Uint32Array(b),
  UINT64: (b) => new BigUint64Array(b),
};

/** `data_b64` → `data` as the protocol's JSON numbers (NaN/±Inf as their strings, 64-bit integers as numbers). */
function decodeTensor(t: LoggedTensor): LoggedTensor {
  if (t.data !== undefined || typeof t.data_b64 !== 'string') return t;
  const view = VIEWS[t.datatype];
  if (!view) return t;
  const bytes = Buffer.from(t.data_b64, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  try {
    const values = Array.from(view(buf), (v) =>
      typeof v === 'bigint' ? Number(v) : Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity',
    );
    return { name: t.name, datatype: t.datatype, shape: t.shape, data: values };
  } catch {
    return t; // a length that is not a whole number of elements: damaged, read as having no data
  }
}

export interface LoggedRequest {
  time: string;
  /** `time` as ms since the epoch. */
  t: number;
  model: string;
  version: string;
  status: number;
  latency_ms: number;
  inputs?: LoggedTensor[];
  outputs?: LoggedTensor[];
  truncated?: boolean;
}

/** The log files of a folder, oldest first. */
export function requestLogFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const rotated = names
    .map((n) => /^requests\.(\d+)\.jsonl$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map((m) => path.join(dir, m[0]));
  return names.includes('requests.jsonl') ? [...rotated, path.join(dir, 'requests.jsonl')] : rotated;
}

function parseRecord(line: string): LoggedRequest | undefined {
  if (!line) return undefined;
  try {
    const r = JSON.parse(line) as Partial<LoggedRequest>;
    const t = typeof r.time === 'string' ? Date.parse(r.time) : NaN;
    if (!Number.isFinite(t) || typeof r.status !== 'number') return undefined;
    const rec = r as LoggedRequest;
    return { ...rec, t, ...(rec.inputs ? { inputs: rec.inputs.map(decodeTensor) } : {}), ...(rec.outputs ? { outputs: rec.outputs.map(decodeTensor) } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Records since `sinceMs` (every one when undefined), oldest first, at most `limit` (the newest
 * ones). Rotated files entirely older than `sinceMs` are not read (their mtime is their last write).
 */
export function readRequestLog(dir: string, options: { sinceMs?: number; limit?: number } = {}): LoggedRequest[] {
  const since = options.sinceMs ?? -Infinity;
  const limit = options.limit ?? 50_000;
  const out: LoggedRequest[] = [];
  for (const file of requestLogFiles(dir)) {
    let text: string;
    try {
      if (fs.statSync(file).mtimeMs < since) continue;
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // rotated away between listing and reading
    }
    for (const line of text.split('\n')) {
      const r = parseRecord(line);
      if (r && r.t >= since) out.push(r);
    }
  }
  return out.length > limit ? out.slice(out.length - limit) : out;
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
