/**
 * Tensors of a request-log record as plain values for monitoring: numbers, booleans and strings,
 * NaN/±Inf as the strings "NaN"/"Infinity"/"-Infinity", 64-bit integers as (nearest) numbers.
 * A record holds them in one of three forms (docs/server.md, "Request log"): the request and answer
 * bodies verbatim (a frame's bodies, or `request`/`response` with binary-extension bytes in
 * `*_binary_b64` in JSON Lines logs of earlier servers), or, in older logs, `inputs`/`outputs` with
 * JSON `data` or base64 `data_b64`.
 */
import { fromHalf } from '../../shared/half';

export interface LoggedTensor {
  name: string;
  datatype: string;
  shape: number[];
  /** The values; absent when the record left them out (truncated) or they could not be read. */
  data?: unknown[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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
  FP16: (b) => Array.from(new Uint16Array(b), fromHalf),
  BOOL: (b) => new Uint8Array(b),
};

function plainNumber(v: number | bigint): number | string {
  if (typeof v === 'bigint') return Number(v);
  return Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** Binary-extension bytes of one tensor → values; undefined when the length does not fit the datatype. */
function fromBytes(datatype: string, bytes: Buffer): unknown[] | undefined {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    for (let at = 0; at < bytes.length;) {
      if (at + 4 > bytes.length) return undefined;
      const len = bytes.readUInt32LE(at);
      if (at + 4 + len > bytes.length) return undefined;
      out.push(bytes.toString('utf8', at + 4, at + 4 + len));
      at += 4 + len;
    }
    return out;
  }
  const view = VIEWS[datatype];
  if (!view) return undefined;
  // A copy: typed arrays need their element alignment.
  const buf = new ArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  try {
    const values = view(buf);
    return datatype === 'BOOL' ? Array.from(values, (v) => v !== 0) : Array.from(values, plainNumber);
  } catch {
    return undefined; // not a whole number of elements
  }
}

/**
 * JSON `data` as a client (or the server) wrote it: flattened, BOOL as booleans, the float spellings
 * normalized, FP32 numbers rounded to single precision as the server reads them (FP16 ones stay as sent).
 */
function fromJson(datatype: string, data: unknown[]): unknown[] {
  const flat = data.flat(Infinity);
  if (datatype === 'BOOL') return flat.map((v) => v === true || v === 1);
  if (datatype === 'FP16' || datatype === 'FP32' || datatype === 'FP64') {
    const round = datatype === 'FP32' ? Math.fround : (x: number) => x;
    return flat.map((v) => (typeof v === 'number' ? round(v) : v === 'inf' ? 'Infinity' : v === '-inf' ? '-Infinity' : v));
  }
  return flat;
}

function head(t: Json): LoggedTensor | undefined {
  if (typeof t.name !== 'string' || typeof t.datatype !== 'string' || !Array.isArray(t.shape)) return undefined;
  return { name: t.name, datatype: t.datatype, shape: t.shape as number[] };
}

/**
 * The tensors of a request body's `inputs` or an answer's `outputs`, as the protocol has them: each
 * with JSON `data`, or `parameters.binary_data_size` bytes taken in order from `binary`.
 */
export function protocolTensors(list: unknown, binaryData: unknown): LoggedTensor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  // The bytes after the JSON (a file frame's view, or a JSON Lines record's base64); none when every binary tensor was empty.
  const binary = Buffer.isBuffer(binaryData) ? binaryData : typeof binaryData === 'string' ? Buffer.from(binaryData, 'base64') : Buffer.alloc(0);
  let at = 0;
  const out: LoggedTensor[] = [];
  for (const t of list) {
    if (!isObject(t)) continue;
    const h = head(t);
    if (!h) continue;
    const size = isObject(t.parameters) ? t.parameters.binary_data_size : undefined;
    if (typeof size === 'number') {
      const data = at + size <= binary.length ? fromBytes(h.datatype, binary.subarray(at, at + size)) : undefined;
      at += size;
      out.push(data ? { ...h, data } : h);
    } else out.push(Array.isArray(t.data) ? { ...h, data: fromJson(h.datatype, t.data) } : h);
  }
  return out;
}

/** `inputs`/`outputs` of an earlier server's record: JSON `data` (already plain) or `data_b64`. */
export function legacyTensors(list: unknown): LoggedTensor[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: LoggedTensor[] = [];
  for (const t of list) {
    if (!isObject(t)) continue;
    const h = head(t);
    if (!h) continue;
    if (Array.isArray(t.data)) out.push({ ...h, data: t.data });
    else if (typeof t.data_b64 === 'string') {
      const data = fromBytes(h.datatype, Buffer.from(t.data_b64, 'base64'));
      out.push(data ? { ...h, data } : h);
    } else out.push(h);
  }
  return out;
}
