import { MlwbError, errorMessage } from '../errors';
import type { Signature, TensorSpec, Validation } from './model';
import { generatedSampleInput, OIP_TO_ORT, parseSampleInput, tensorSpec, type OrtValueMetadata, type SampleTensor } from './signature';

/**
 * Validates an ONNX model with onnxruntime-node: it must load, its signature must be expressible in
 * Open Inference Protocol datatypes, and one inference on a sample input must succeed.
 *
 * `InferenceSession.create` and `run` block the JavaScript thread, so callers in a process that
 * serves requests run this on a worker thread (src/backend/modelValidationWorker.ts); the CLI calls
 * it directly. onnxruntime-node is required lazily so that importing the registry costs nothing.
 */
export interface ValidationResult {
  readonly signature: Signature;
  readonly validation: Validation;
}

import { keepFloat16AsUint16 } from '../onnx/float16';
import { toHalf } from '../../shared/half';

type Ort = typeof import('onnxruntime-node');

let ort: Ort | undefined;
function loadOrt(): Ort {
  if (!ort) {
    try {
      keepFloat16AsUint16();
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ort = require('onnxruntime-node') as Ort;
    } catch (e) {
      throw new MlwbError(`Cannot load onnxruntime-node to validate the model (${errorMessage(e)}).`, 'INVALID_ARGUMENT');
    }
  }
  return ort;
}

/**
 * @param modelFile the .onnx file, in the folder that also holds its external data files
 * @param sampleBody an Open Inference Protocol request body to run, or undefined to generate one
 */
export async function validateOnnx(modelFile: string, sampleBody?: unknown): Promise<ValidationResult> {
  const { InferenceSession, Tensor } = loadOrt();
  let session: Awaited<ReturnType<typeof InferenceSession.create>>;
  try {
    // From the path, not a buffer: onnxruntime resolves external data relative to the model's folder.
    session = await InferenceSession.create(modelFile, { logSeverityLevel: 3, graphOptimizationLevel: 'basic' });
  } catch (e) {
    throw new MlwbError(`The model does not load in onnxruntime: ${firstLine(errorMessage(e))}`, 'INVALID_ARGUMENT');
  }
  try {
    const signature: Signature = {
      inputs: (session.inputMetadata as readonly OrtValueMetadata[]).map((m) => tensorSpec(m, 'input')),
      outputs: (session.outputMetadata as readonly OrtValueMetadata[]).map((m) => tensorSpec(m, 'output')),
    };
    const sample = sampleBody === undefined ? generatedSampleInput(signature.inputs) : parseSampleInput(sampleBody, signature.inputs);
    const feeds: Record<string, InstanceType<typeof Tensor>> = {};
    for (const t of sample) feeds[t.name] = toTensor(Tensor, t);
    const started = process.hrtime.bigint();
    let outputs: Record<string, unknown>;
    try {
      outputs = await session.run(feeds, { logSeverityLevel: 4 });
    } catch (e) {
      throw new MlwbError(
        `The model loads, but a smoke inference on ${sampleBody === undefined ? 'an input generated from its signature' : 'its sample input'} failed: ${firstLine(errorMessage(e))}`,
        'INVALID_ARGUMENT',
      );
    }
    // Rounded once: the message, the Models view and the details page all show this same figure.
    const latency_ms = Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3;
    const missing = signature.outputs.filter((o) => !(o.name in outputs));
    if (missing.length) throw new MlwbError(`The smoke inference returned no ${missing.map((o) => o.name).join(', ')}.`, 'INVALID_ARGUMENT');
    return {
      signature,
      validation: {
        status: 'ok',
        message: `loaded and answered ${describe(sample, signature.inputs)} in ${latency_ms} ms`,
        latency_ms,
        input: sampleBody === undefined ? 'generated' : 'sample',
      },
    };
  } finally {
    await session.release().catch(() => undefined);
  }
}

function describe(sample: readonly SampleTensor[], specs: readonly TensorSpec[]): string {
  const parts = sample.map((t) => `${t.name} ${t.datatype}[${t.shape.join(',')}]`);
  return specs.length ? parts.join(', ') : 'no inputs';
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 500);
}

type TensorCtor = Ort['Tensor'];

function toTensor(Tensor: TensorCtor, t: SampleTensor): InstanceType<TensorCtor> {
  const type = OIP_TO_ORT[t.datatype];
  const dims = [...t.shape];
  const nums = (): number[] => t.data.map((x) => Number(x));
  switch (t.datatype) {
    case 'BYTES':
      return new Tensor(
        'string',
        t.data.map((x) => String(x)),
        dims,
      );
    case 'BOOL':
      return new Tensor('bool', Uint8Array.from(t.data.map((x) => (x === true || x === 1 ? 1 : 0))), dims);
    case 'INT64':
      return new Tensor('int64', BigInt64Array.from(t.data.map((x) => BigInt(Math.trunc(Number(x))))), dims);
    case 'UINT64':
      return new Tensor('uint64', BigUint64Array.from(t.data.map((x) => BigInt(Math.trunc(Number(x))))), dims);
    case 'FP16':
      return new Tensor('float16', Uint16Array.from(nums().map(toHalf)), dims);
    case 'FP32':
      return new Tensor('float32', Float32Array.from(nums()), dims);
    case 'FP64':
      return new Tensor('float64', Float64Array.from(nums()), dims);
    case 'INT8':
      return new Tensor('int8', Int8Array.from(nums()), dims);
    case 'INT16':
      return new Tensor('int16', Int16Array.from(nums()), dims);
    case 'INT32':
      return new Tensor('int32', Int32Array.from(nums()), dims);
    case 'UINT8':
      return new Tensor('uint8', Uint8Array.from(nums()), dims);
    case 'UINT16':
      return new Tensor('uint16', Uint16Array.from(nums()), dims);
    case 'UINT32':
      return new Tensor('uint32', Uint32Array.from(nums()), dims);
    default:
      throw new MlwbError(`Unsupported datatype ${String(type)}.`, 'INVALID_ARGUMENT');
  }
}
