/**
 * The Try It form's logic, DOM-free so unit tests cover it: which form an input gets (named fields
 * for a tabular row, a JSON tensor editor otherwise), turning what the user typed into a request
 * tensor with clear errors, and reading class probabilities out of an answer.
 */
import type { OutputTensor, TensorInput, TensorSpec } from '../../src/protocol/webview/tryIt';

/** Wider rows than this get the JSON editor: a form of hundreds of fields helps nobody. */
export const MAX_FIELDS = 64;
const NUMERIC = new Set(['UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64']);

export type InputForm = { kind: 'fields'; labels: string[] } | { kind: 'json' };

/** Named fields for one row of a tabular input ([-1, k] or [1, k]), else the JSON editor. */
export function formFor(spec: TensorSpec, featureNames?: readonly string[]): InputForm {
  const [rows, width] = spec.shape;
  const tabular = spec.shape.length === 2 && (rows === -1 || rows === 1) && width !== undefined && width > 0 && width <= MAX_FIELDS;
  if (!tabular || !(NUMERIC.has(spec.datatype) || spec.datatype === 'BOOL' || spec.datatype === 'BYTES')) return { kind: 'json' };
  const labels = featureNames && featureNames.length === width ? [...featureNames] : Array.from({ length: width }, (_, i) => `${spec.name}[${i}]`);
  return { kind: 'fields', labels };
}

/** A starting value for the JSON editor: zeros (or "" / false) in the model's shape, dynamic axes as 1. */
export function defaultJson(spec: TensorSpec): string {
  const zero = spec.datatype === 'BYTES' ? '' : spec.datatype === 'BOOL' ? false : 0;
  const dims = spec.shape.map((d) => (d < 0 ? 1 : d));
  if (dims.reduce((a, b) => a * b, 1) > 4096) return JSON.stringify([]);
  const build = (axis: number): unknown => (axis === dims.length ? zero : Array.from({ length: dims[axis]! }, () => build(axis + 1)));
  return JSON.stringify(build(0));
}

export type Built = { ok: true; tensor: TensorInput } | { ok: false; error: string };

function parseScalar(datatype: string, text: string, label: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (datatype === 'BYTES') return { ok: true, value: text };
  const t = text.trim();
  if (datatype === 'BOOL') {
    if (/^(true|1)$/i.test(t)) return { ok: true, value: true };
    if (/^(false|0)$/i.test(t)) return { ok: true, value: false };
    return { ok: false, error: `${label}: enter true or false` };
  }
  if (t === '') return { ok: false, error: `${label}: enter a number` };
  const n = Number(t);
  if (!Number.isFinite(n)) return { ok: false, error: `${label}: ${JSON.stringify(text)} is not a number` };
  if (datatype.includes('INT') && !Number.isInteger(n)) return { ok: false, error: `${label}: ${datatype} needs a whole number` };
  return { ok: true, value: n };
}

/** One row [1, k] from the named fields. */
export function tensorFromFields(spec: TensorSpec, labels: readonly string[], values: readonly string[]): Built {
  const data: unknown[] = [];
  for (const [i, label] of labels.entries()) {
    const v = parseScalar(spec.datatype, values[i] ?? '', label);
    if (!v.ok) return v;
    data.push(v.value);
  }
  return { ok: true, tensor: { name: spec.name, datatype: spec.datatype, shape: [1, labels.length], data } };
}

/** A tensor from nested JSON arrays: the shape is read from the nesting and must be rectangular. */
export function tensorFromJson(spec: TensorSpec, text: string): Built {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${spec.name}: not valid JSON (${(e as Error).message})` };
  }
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const data: unknown[] = [];
  const walk = (v: unknown, axis: number): string | undefined => {
    if (axis === shape.length) {
      if (Array.isArray(v)) return `${spec.name}: the arrays are not rectangular`;
      const s = parseScalar(spec.datatype, typeof v === 'string' ? v : JSON.stringify(v), `${spec.name} element ${data.length}`);
      if (!s.ok) return s.error;
      data.push(s.value);
      return undefined;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) return `${spec.name}: the arrays are not rectangular (axis ${axis} should have ${shape[axis]} items)`;
    for (const x of v) {
      const err = walk(x, axis + 1);
      if (err) return err;
    }
    return undefined;
  };
  const err = walk(value, 0);
  if (err) return { ok: false, error: err };
  if (spec.shape.length && shape.length !== spec.shape.length) {
    return {
      ok: false,
      error: `${spec.name}: the model expects ${spec.shape.length} dimensions ${JSON.stringify(spec.shape)}, the JSON has ${shape.length} ${JSON.stringify(shape)}`,
    };
  }
  const bad = spec.shape.findIndex((d, i) => d >= 0 && d !== shape[i]);
  if (bad >= 0) return { ok: false, error: `${spec.name}: axis ${bad} must have ${spec.shape[bad]} items, the JSON has ${shape[bad]}` };
  return { ok: true, tensor: { name: spec.name, datatype: spec.datatype, shape, data } };
}

/**
 * The top classes of a classifier's probability output: one row of floats in [0, 1] that sum to 1.
 * Undefined for anything else (regression outputs, logits, several rows).
 */
export function topClasses(out: OutputTensor, k = 5): { index: number; p: number }[] | undefined {
  if (out.datatype !== 'FP32' && out.datatype !== 'FP64' && out.datatype !== 'FP16') return undefined;
  const rows = out.shape.length === 2 ? out.shape[0] : out.shape.length === 1 ? 1 : 0;
  if (rows !== 1 || out.data.length < 2) return undefined;
  const p = out.data.map(Number);
  if (p.some((x) => !(x >= 0 && x <= 1))) return undefined;
  if (Math.abs(p.reduce((a, b) => a + b, 0) - 1) > 0.01) return undefined;
  return p
    .map((x, index) => ({ index, p: x }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}

/** A compact rendering of an output's data for the results table. */
export function previewData(out: OutputTensor, max = 32): string {
  const shown = out.data.slice(0, max).map((v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v));
  return JSON.stringify(shown) + (out.data.length > max ? ` … (${out.data.length} values)` : '');
}

/** How an image input lays out its 3 colour channels, and the size images are resized to. */
export interface ImageLayout {
  layout: 'NCHW' | 'NHWC';
  height: number;
  width: number;
}

/** Side used for a dynamic height or width: the common ImageNet input size. */
export const DEFAULT_IMAGE_SIDE = 224;

/** An image input: a float tensor [n, 3, H, W] or [n, H, W, 3] (n = 1 or dynamic). Else undefined. */
export function imageLayout(spec: TensorSpec): ImageLayout | undefined {
  if (spec.shape.length !== 4 || !['FP32', 'FP64', 'FP16'].includes(spec.datatype)) return undefined;
  const [n, a, b, c] = spec.shape as [number, number, number, number];
  if (n !== 1 && n !== -1) return undefined;
  const side = (d: number): number => (d > 0 ? d : DEFAULT_IMAGE_SIDE);
  if (a === 3) return { layout: 'NCHW', height: side(b), width: side(c) };
  if (c === 3) return { layout: 'NHWC', height: side(a), width: side(b) };
  return undefined;
}

export type Normalization = 'imagenet' | 'unit' | 'raw';
export const NORMALIZATIONS: Record<Normalization, string> = {
  imagenet: 'ImageNet: (x/255 − mean) / std',
  unit: '0…1: x/255',
  raw: '0…255: x',
};
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * The tensor for one image already resized to the layout's size: `rgba` is the canvas's pixels
 * (row-major, 4 bytes a pixel, alpha dropped), each channel normalized as chosen.
 */
export function imageTensor(spec: TensorSpec, l: ImageLayout, rgba: ArrayLike<number>, norm: Normalization): TensorInput {
  const { height: h, width: w } = l;
  const data = new Array<number>(3 * h * w);
  const value = (x: number, ch: number): number => (norm === 'raw' ? x : norm === 'unit' ? x / 255 : (x / 255 - IMAGENET_MEAN[ch]!) / IMAGENET_STD[ch]!);
  for (let p = 0; p < h * w; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const v = value(rgba[p * 4 + ch]!, ch);
      data[l.layout === 'NCHW' ? ch * h * w + p : p * 3 + ch] = v;
    }
  }
  return { name: spec.name, datatype: spec.datatype, shape: l.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3], data };
}
