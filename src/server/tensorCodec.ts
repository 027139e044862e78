// Tensor data in and out of the two wire forms of the Open Inference Protocol: JSON `data` (flat or
// nested, row-major) and the binary tensor data extension (raw little-endian elements; BYTES as a
// 4-byte little-endian length before each element).
import { fromHalf, toHalf } from '../shared/half';
import { type Datatype, type TensorData, allocate, datatypeInfo, elementCount } from './datatypes';
import { badRequest } from './httpError';

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/** Nesting deeper than any real tensor rank: refuse rather than recurse without bound. */
const MAX_NESTING = 64;

/** Flattens JSON `data` (flat or nested arrays) into the typed elements of `shape`. */
export function decodeJsonData(name: string, dt: Datatype, shape: number[], data: unknown): TensorData {
  const count = elementCount(shape);
  if (!Array.isArray(data)) throw badRequest(`input '${name}': data must be an array`);
  const out = allocate(dt, count);
  let i = 0;
  const put = (v: unknown): void => {
    if (i >= count) throw badRequest(`input '${name}': data has more than the ${count} elements of shape ${JSON.stringify(shape)}`);
    setElement(out, i++, v, dt, name);
  };
  // Iterative walk with an explicit stack, so hostile nesting cannot overflow the JS stack.
  const stack: { arr: unknown[]; at: number }[] = [{ arr: data, at: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.at >= top.arr.length) {
      stack.pop();
      continue;
    }
    const v = top.arr[top.at++];
    if (Array.isArray(v)) {
      if (stack.length >= MAX_NESTING) throw badRequest(`input '${name}': data is nested too deeply`);
      stack.push({ arr: v, at: 0 });
    } else put(v);
  }
  if (i !== count) throw badRequest(`input '${name}': data has ${i} elements but shape ${JSON.stringify(shape)} needs ${count}`);
  return out;
}

function setElement(out: TensorData, i: number, v: unknown, dt: Datatype, name: string): void {
  const bad = (what: string): never => {
    throw badRequest(`input '${name}': element ${i} is ${JSON.stringify(v) ?? String(v)}, not ${what} (datatype ${dt})`);
  };
  switch (dt) {
    case 'BYTES':
      if (typeof v !== 'string') bad('a string');
      (out as string[])[i] = v as string;
      return;
    case 'BOOL':
      if (typeof v === 'boolean') (out as Uint8Array)[i] = v ? 1 : 0;
      else if (v === 0 || v === 1) (out as Uint8Array)[i] = v;
      else bad('a boolean');
      return;
    case 'FP16':
    case 'FP32':
    case 'FP64': {
      const n = typeof v === 'number' ? v : parseSpecialFloat(v);
      if (n === undefined) bad('a number');
      (out as Float32Array)[i] = dt === 'FP16' ? toHalf(n!) : n!;
      return;
    }
    default: {
      if (typeof v !== 'number' || !Number.isInteger(v)) bad('an integer');
      const [lo, hi] = datatypeInfo(dt).range!;
      const b = BigInt(v as number);
      if (b < lo || b > hi) bad(`in range [${lo}, ${hi}]`);
      if (dt === 'INT64' || dt === 'UINT64') (out as BigInt64Array)[i] = b;
      else (out as Int32Array)[i] = v as number;
    }
  }
}

/** JSON has no NaN or infinities; accept the strings other servers (and this one) write for them. */
function parseSpecialFloat(v: unknown): number | undefined {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === 'inf') return Infinity;
  if (v === '-Infinity' || v === '-inf') return -Infinity;
  return undefined;
}

/** Flat JSON `data` for an output. 64-bit integers beyond 2^53 lose precision (JSON numbers). */
export function encodeJsonData(dt: Datatype, data: TensorData): unknown[] {
  const out = new Array<unknown>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (dt === 'BOOL') out[i] = v !== 0;
    else if (typeof v === 'bigint') out[i] = Number(v);
    else if (dt === 'FP16') out[i] = jsonFloat(fromHalf(v as number));
    else if (typeof v === 'number') out[i] = jsonFloat(v);
    else out[i] = v;
  }
  return out;
}

function jsonFloat(n: number): number | string {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/** Reads a binary-extension tensor; `bytes` is exactly the input's `binary_data_size` bytes. */
export function decodeBinaryData(name: string, dt: Datatype, shape: number[], bytes: Buffer): TensorData {
  const count = elementCount(shape);
  const info = datatypeInfo(dt);
  if (dt === 'BYTES') {
    const out: string[] = [];
    let at = 0;
    while (at < bytes.length) {
      if (at + 4 > bytes.length) throw badRequest(`input '${name}': BYTES element ${out.length} has a truncated length prefix`);
      const len = bytes.readUInt32LE(at);
      at += 4;
      if (at + len > bytes.length) throw badRequest(`input '${name}': BYTES element ${out.length} runs past the end of its binary data`);
      out.push(bytes.toString('utf8', at, at + len));
      at += len;
      if (out.length > count) break;
    }
    if (out.length !== count)
      throw badRequest(`input '${name}': binary data holds ${out.length} BYTES elements but shape ${JSON.stringify(shape)} needs ${count}`);
    return out;
  }
  if (bytes.length !== count * info.size) {
    throw badRequest(`input '${name}': binary data is ${bytes.length} bytes but shape ${JSON.stringify(shape)} of ${dt} needs ${count * info.size}`);
  }
  // Copy into a fresh, aligned buffer: typed arrays need alignment, and the copy can be transferred to a worker.
  const buf = new ArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  return new info.array!(buf, 0, count);
}

/** The binary-extension bytes of an output. */
export function encodeBinaryData(dt: Datatype, data: TensorData): Buffer {
  if (dt === 'BYTES') {
    const parts: Buffer[] = [];
    for (const s of data as string[]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32LE(b.length, 0);
      parts.push(len, b);
    }
    return Buffer.concat(parts);
  }
  const a = data as Uint8Array;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Bytes a tensor's data takes on the wire in binary form (used for the request-log size bound). */
export function approxBytes(data: TensorData): number {
  if (Array.isArray(data)) return data.reduce((n, s) => n + 4 + s.length, 0);
  return (data as Uint8Array).byteLength;
}
