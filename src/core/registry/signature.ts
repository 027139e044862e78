import { MlwbError } from '../errors';
import type { OipDatatype, TensorSpec } from './model';

/**
 * Translating between onnxruntime's tensor types and Open Inference Protocol datatypes, and the
 * smoke-inference input: the sample logged with the model (an OIP request body), else one made
 * from the signature.
 */
const ORT_TO_OIP: Readonly<Record<string, OipDatatype>> = {
  bool: 'BOOL',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float16: 'FP16',
  float32: 'FP32',
  float64: 'FP64',
  string: 'BYTES',
};

export const OIP_TO_ORT: Readonly<Record<OipDatatype, string>> = Object.fromEntries(Object.entries(ORT_TO_OIP).map(([ort, oip]) => [oip, ort])) as Record<
  OipDatatype,
  string
>;

export const SUPPORTED_DATATYPES: readonly OipDatatype[] = Object.values(ORT_TO_OIP);

/** The shape of onnxruntime-node's ValueMetadata, kept structural so this file needs no native import. */
export interface OrtValueMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: ReadonlyArray<number | string>;
}

export function tensorSpec(meta: OrtValueMetadata, role: 'input' | 'output'): TensorSpec {
  if (!meta.isTensor) {
    throw new MlwbError(
      `The model's ${role} "${meta.name}" is not a tensor (a sequence or map), which the Open Inference Protocol cannot carry. ` +
        'Export it with tensor outputs (for scikit-learn classifiers: skl2onnx options {"zipmap": False}).',
      'INVALID_ARGUMENT',
    );
  }
  const datatype = ORT_TO_OIP[meta.type ?? ''];
  if (!datatype) {
    throw new MlwbError(
      `The model's ${role} "${meta.name}" has tensor type ${meta.type ?? 'unknown'}, which is not supported (supported: ${SUPPORTED_DATATYPES.join(', ')}).`,
      'INVALID_ARGUMENT',
    );
  }
  const shape = (meta.shape ?? []).map((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0 ? d : -1));
  return { name: meta.name, datatype, shape };
}

/** One OIP request input: `data` flat (row-major) or nested; BYTES as strings. */
export interface SampleTensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

/** Parses and checks a sample input body `{"inputs": [{name, datatype, shape, data}]}` against the signature. */
export function parseSampleInput(body: unknown, inputs: readonly TensorSpec[]): SampleTensor[] {
  const list = (body as { inputs?: unknown })?.inputs;
  if (!Array.isArray(list)) throw new MlwbError('The sample input must be a JSON object {"inputs": [{name, datatype, shape, data}, …]}.', 'INVALID_ARGUMENT');
  const out: SampleTensor[] = [];
  for (const spec of inputs) {
    // An unnamed tensor fits a model with one input (the Python client cannot know ONNX input names).
    const t = (list.find((x: { name?: unknown }) => x && x.name === spec.name) ??
      (inputs.length === 1 && list.length === 1 && (list[0] as { name?: unknown })?.name === undefined ? list[0] : undefined)) as
      Partial<SampleTensor> | undefined;
    if (!t) throw new MlwbError(`The sample input has no tensor for the model's input "${spec.name}".`, 'INVALID_ARGUMENT');
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new MlwbError(`The sample input "${spec.name}" needs a shape of non-negative integers.`, 'INVALID_ARGUMENT');
    }
    if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => spec.shape[i] !== -1 && spec.shape[i] !== d)) {
      throw new MlwbError(
        `The sample input "${spec.name}" has shape [${t.shape.join(', ')}]; the model expects [${spec.shape.join(', ')}] (-1 = any).`,
        'INVALID_ARGUMENT',
      );
    }
    const data = Array.isArray(t.data) ? (t.data as unknown[]).flat(Infinity) : undefined;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!data || data.length !== count) {
      throw new MlwbError(
        `The sample input "${spec.name}" needs ${count} values for shape [${t.shape.join(', ')}]; it has ${data?.length ?? 0}.`,
        'INVALID_ARGUMENT',
      );
    }
    if (t.datatype !== undefined && t.datatype !== spec.datatype) {
      throw new MlwbError(`The sample input "${spec.name}" is ${String(t.datatype)}; the model expects ${spec.datatype}.`, 'INVALID_ARGUMENT');
    }
    out.push({ name: spec.name, datatype: spec.datatype, shape: t.shape, data });
  }
  return out;
}

/** A deterministic input for a signature: dynamic axes become 1, numbers 0, strings "", booleans false. */
export function generatedSampleInput(inputs: readonly TensorSpec[]): SampleTensor[] {
  return inputs.map((spec) => {
    const shape = spec.shape.map((d) => (d < 0 ? 1 : d));
    const count = shape.reduce((a, b) => a * b, 1);
    const fill = spec.datatype === 'BYTES' ? '' : spec.datatype === 'BOOL' ? false : 0;
    return { name: spec.name, datatype: spec.datatype, shape, data: new Array(count).fill(fill) };
  });
}
