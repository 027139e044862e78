// Joining requests along the first axis and splitting the answers back, like Triton's dynamic
// batcher. Pure functions: the scheduler (modelRunner.ts) decides when; these decide how.
import type { TensorData } from './datatypes';
import type { Tensor } from './tensorCodec';
import type { WireTensor } from './workerMessages';

/**
 * Requests with the same key can share one session.run: same input names and datatypes, same
 * dimensions after the first, and one batch size across their inputs. A request that cannot be
 * joined with anything gets a key of its own.
 */
export function batchKey(inputs: readonly Tensor[], unique: () => string): string {
  const rows = inputs[0]?.shape[0];
  if (rows === undefined || inputs.some((t) => t.shape.length === 0 || t.shape[0] !== rows)) return unique();
  return [...inputs]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((t) => `${t.name}:${t.datatype}:${t.shape.slice(1).join('x')}`)
    .join('|');
}

/** Rows a request contributes to a batch (its first dimension). */
export function rowsOf(inputs: readonly Tensor[]): number {
  return inputs[0]?.shape[0] ?? 1;
}

export function concatData(parts: readonly TensorData[]): TensorData {
  if (parts.length === 1) return parts[0]!;
  if (Array.isArray(parts[0])) return ([] as string[]).concat(...(parts as string[][]));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const first = parts[0] as Float32Array;
  const out = new (first.constructor as new (n: number) => Float32Array)(total);
  let at = 0;
  for (const p of parts as Float32Array[]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Tensors of several requests (same key) joined along the first axis, as one feed per input. */
export function joinFeeds(requests: readonly (readonly Tensor[])[], toWire: (t: Tensor) => WireTensor['type']): Record<string, WireTensor> {
  const feeds: Record<string, WireTensor> = {};
  for (const t of requests[0]!) {
    const parts = requests.map((r) => r.find((x) => x.name === t.name)!);
    const rows = parts.reduce((n, p) => n + p.shape[0]!, 0);
    feeds[t.name] = { type: toWire(t), dims: requests.length === 1 ? t.shape : [rows, ...t.shape.slice(1)], data: concatData(parts.map((p) => p.data)) };
  }
  return feeds;
}

/**
 * Cuts a batched output back into each request's rows. Throws when the model did not keep the
 * batch axis first (its output's first dimension is not the batch's total row count).
 */
export function splitOutput(name: string, out: WireTensor, rows: readonly number[]): WireTensor[] {
  if (rows.length === 1) return [out];
  const total = rows.reduce((a, b) => a + b, 0);
  if (out.dims[0] !== total)
    throw new Error(`output '${name}' has first dimension ${out.dims[0]} for a batch of ${total} rows; serve this model with batching.maxBatchSize 1`);
  const rowSize = out.dims.slice(1).reduce((a, b) => a * b, 1);
  const parts: WireTensor[] = [];
  let at = 0;
  for (const r of rows) {
    parts.push({ type: out.type, dims: [r, ...out.dims.slice(1)], data: out.data.slice(at * rowSize, (at + r) * rowSize) as TensorData });
    at += r;
  }
  return parts;
}
