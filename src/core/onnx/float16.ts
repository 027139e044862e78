/**
 * onnxruntime-common stores `float16` tensors in a `Float16Array` wherever the runtime has one
 * (Node 24 does), converting the `Uint16Array` of half-float bits we pass. onnxruntime-node's
 * native binding reads tensor data through Node-API, which does not know `Float16Array`, so it
 * sees zero bytes and every FP16 inference fails ("not enough space: expected 6, got 0").
 * Hiding the global before the first tensor is made keeps ORT on `Uint16Array` — the bit-pattern
 * form our codecs use on every Node. Call it at the start of a thread that creates ORT tensors;
 * it only affects that thread (each worker has its own globals).
 */
export function keepFloat16AsUint16(): void {
  delete (globalThis as { Float16Array?: unknown }).Float16Array;
}
