// The Open Inference Protocol datatypes this server speaks, and how each maps to an onnxruntime
// tensor type, a typed array and a byte size. BF16 is left out: onnxruntime-node has no tensor type
// for it. BYTES maps to ONNX string tensors, whose elements onnxruntime holds as UTF-8 text.
import { badRequest } from './httpError';

export type Datatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export type OrtType = 'bool' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int8' | 'int16' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64' | 'string';

export type NumericArray =
  Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;
/** A tensor's elements: a typed array for numbers (FP16 as raw half-float bits), strings for BYTES. */
export type TensorData = NumericArray | string[];

interface TypedArrayCtor {
  new (length: number): NumericArray;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
  readonly BYTES_PER_ELEMENT: number;
}

export interface DatatypeInfo {
  readonly ort: OrtType;
  /** Bytes per element in the binary extension; 0 for BYTES (length-prefixed). */
  readonly size: number;
  readonly array?: TypedArrayCtor;
  /** Integer range accepted from JSON, for integer types. */
  readonly range?: readonly [bigint, bigint];
}

const INFO: Record<Datatype, DatatypeInfo> = {
  BOOL: { ort: 'bool', size: 1, array: Uint8Array as unknown as TypedArrayCtor },
  UINT8: { ort: 'uint8', size: 1, array: Uint8Array as unknown as TypedArrayCtor, range: [0n, 255n] },
  UINT16: { ort: 'uint16', size: 2, array: Uint16Array as unknown as TypedArrayCtor, range: [0n, 65535n] },
  UINT32: { ort: 'uint32', size: 4, array: Uint32Array as unknown as TypedArrayCtor, range: [0n, 4294967295n] },
  UINT64: { ort: 'uint64', size: 8, array: BigUint64Array as unknown as TypedArrayCtor, range: [0n, 18446744073709551615n] },
  INT8: { ort: 'int8', size: 1, array: Int8Array as unknown as TypedArrayCtor, range: [-128n, 127n] },
  INT16: { ort: 'int16', size: 2, array: Int16Array as unknown as TypedArrayCtor, range: [-32768n, 32767n] },
  INT32: { ort: 'int32', size: 4, array: Int32Array as unknown as TypedArrayCtor, range: [-2147483648n, 2147483647n] },
  INT64: { ort: 'int64', size: 8, array: BigInt64Array as unknown as TypedArrayCtor, range: [-9223372036854775808n, 9223372036854775807n] },
  FP16: { ort: 'float16', size: 2, array: Uint16Array as unknown as TypedArrayCtor },
  FP32: { ort: 'float32', size: 4, array: Float32Array as unknown as TypedArrayCtor },
  FP64: { ort: 'float64', size: 8, array: Float64Array as unknown as TypedArrayCtor },
  BYTES: { ort: 'string', size: 0 },
};

const BY_ORT = new Map<string, Datatype>(Object.entries(INFO).map(([dt, i]) => [i.ort, dt as Datatype]));

export const DATATYPES = Object.keys(INFO) as Datatype[];

export function isDatatype(s: unknown): s is Datatype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(INFO, s);
}

export function datatypeInfo(dt: Datatype): DatatypeInfo {
  return INFO[dt];
}

/** The protocol datatype of an onnxruntime tensor type, or undefined when the protocol has none. */
export function datatypeOfOrt(type: string): Datatype | undefined {
  return BY_ORT.get(type);
}

/** A zeroed array of `length` elements of `dt`. */
export function allocate(dt: Datatype, length: number): TensorData {
  const ctor = INFO[dt].array;
  return ctor ? new ctor(length) : new Array<string>(length).fill('');
}

/** Element count of a shape; throws 400 on a negative or non-integer dimension. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw badRequest(`shape ${JSON.stringify(shape)} has an invalid dimension ${String(d)}`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw badRequest(`shape ${JSON.stringify(shape)} is too large`);
  return n;
}
