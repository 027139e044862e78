// A served model's inputs and outputs in protocol terms, read from the onnxruntime session's metadata.
import { type Datatype, datatypeOfOrt } from './datatypes';

export interface TensorSpec {
  name: string;
  datatype: Datatype;
  /** -1 marks a dynamic axis. */
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** onnxruntime's `ValueMetadata`, as the worker thread sends it (structured clone). */
export interface OrtValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

export interface SignatureResult {
  signature: ModelSignature;
  /** Outputs the protocol cannot carry (maps, sequences, BF16); they are not fetched. */
  skippedOutputs: string[];
}

export function toSignature(inputs: readonly OrtValueMetadata[], outputs: readonly OrtValueMetadata[]): SignatureResult {
  const spec = (m: OrtValueMetadata): TensorSpec | undefined => {
    const datatype = m.isTensor && m.type ? datatypeOfOrt(m.type) : undefined;
    if (!datatype) return undefined;
    // Symbolic dims arrive as strings ('' when unnamed) and unknown ones as negative numbers.
    const shape = (m.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
    return { name: m.name, datatype, shape };
  };
  const sigInputs: TensorSpec[] = [];
  for (const m of inputs) {
    const s = spec(m);
    if (!s) throw new Error(`input '${m.name}' has type ${m.isTensor ? m.type : 'non-tensor'}, which the Open Inference Protocol cannot carry`);
    sigInputs.push(s);
  }
  const sigOutputs: TensorSpec[] = [];
  const skippedOutputs: string[] = [];
  for (const m of outputs) {
    const s = spec(m);
    if (s) sigOutputs.push(s);
    else skippedOutputs.push(m.name);
  }
  if (!sigOutputs.length) throw new Error('the model has no tensor output the Open Inference Protocol can carry');
  return { signature: { inputs: sigInputs, outputs: sigOutputs }, skippedOutputs };
}

/** True when every input and output has a dynamic first axis: requests can then be joined along it. */
export function isBatchable(sig: ModelSignature): boolean {
  return [...sig.inputs, ...sig.outputs].every((t) => t.shape.length >= 1 && t.shape[0] === -1);
}
