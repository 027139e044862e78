// Parses and validates an inference request body (JSON, or the binary tensor data extension) against
// the model's signature. Everything a client can get wrong becomes a 400 that says what and where.
import { isDatatype } from './datatypes';
import { badRequest } from './httpError';
import type { ModelSignature } from './signature';
import { type Tensor, decodeBinaryData, decodeJsonData } from './tensorCodec';

export interface RequestedOutput {
  name: string;
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  inputs: Tensor[];
  /** The outputs to return, each with its encoding; all tensor outputs when the request names none. */
  outputs: RequestedOutput[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `headerLength` is the Inference-Header-Content-Length header, when present. */
export function parseInferRequest(body: Buffer, headerLength: string | undefined, sig: ModelSignature): InferRequest {
  let jsonPart = body;
  let binary: Buffer | undefined;
  if (headerLength !== undefined) {
    const n = Number(headerLength);
    if (!/^\d+$/.test(headerLength.trim()) || n > body.length) {
      throw badRequest(`Inference-Header-Content-Length ${JSON.stringify(headerLength)} is not a length within the ${body.length}-byte body`);
    }
    jsonPart = body.subarray(0, n);
    binary = body.subarray(n);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(jsonPart.toString('utf8'));
  } catch (e) {
    throw badRequest(`request body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw badRequest('request body must be a JSON object');
  const params = isObject(doc.parameters) ? doc.parameters : {};
  if (doc.parameters !== undefined && !isObject(doc.parameters)) throw badRequest("'parameters' must be an object");
  if (doc.id !== undefined && typeof doc.id !== 'string') throw badRequest("'id' must be a string");
  if (!Array.isArray(doc.inputs) || doc.inputs.length === 0) throw badRequest("'inputs' must be a non-empty array");

  const specs = new Map(sig.inputs.map((s) => [s.name, s]));
  const seen = new Set<string>();
  let binaryAt = 0;
  const inputs: Tensor[] = [];
  for (const [k, raw] of doc.inputs.entries()) {
    if (!isObject(raw)) throw badRequest(`inputs[${k}] must be an object`);
    const { name, datatype, shape } = raw;
    if (typeof name !== 'string') throw badRequest(`inputs[${k}].name must be a string`);
    const spec = specs.get(name);
    if (!spec) throw badRequest(`unknown input '${name}'; the model's inputs are ${[...specs.keys()].map((n) => `'${n}'`).join(', ')}`);
    if (seen.has(name)) throw badRequest(`input '${name}' appears twice`);
    seen.add(name);
    if (!isDatatype(datatype)) throw badRequest(`input '${name}': unknown datatype ${JSON.stringify(datatype)}`);
    if (datatype !== spec.datatype) throw badRequest(`input '${name}': datatype ${datatype} does not match the model's ${spec.datatype}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw badRequest(`input '${name}': shape must be an array of non-negative integers`);
    }
    const dims = shape as number[];
    if (spec.shape.length && (dims.length !== spec.shape.length || spec.shape.some((d, i) => d !== -1 && d !== dims[i]))) {
      throw badRequest(`input '${name}': shape ${JSON.stringify(dims)} does not match the model's ${JSON.stringify(spec.shape)} (-1 = any)`);
    }
    const p = raw.parameters;
    if (p !== undefined && !isObject(p)) throw badRequest(`input '${name}': parameters must be an object`);
    const size = p?.binary_data_size;
    let data;
    if (size !== undefined) {
      if (!binary) throw badRequest(`input '${name}' has binary_data_size but the request has no Inference-Header-Content-Length header`);
      if (!Number.isSafeInteger(size) || (size as number) < 0) throw badRequest(`input '${name}': binary_data_size must be a non-negative integer`);
      if (binaryAt + (size as number) > binary.length) throw badRequest(`input '${name}': binary_data_size ${String(size)} runs past the end of the body`);
      data = decodeBinaryData(name, datatype, dims, binary.subarray(binaryAt, binaryAt + (size as number)));
      binaryAt += size as number;
    } else {
      if (raw.data === undefined) throw badRequest(`input '${name}' has neither data nor parameters.binary_data_size`);
      data = decodeJsonData(name, datatype, dims, raw.data);
    }
    inputs.push({ name, datatype, shape: dims, data });
  }
  const missing = sig.inputs.filter((s) => !seen.has(s.name)).map((s) => `'${s.name}'`);
  if (missing.length) throw badRequest(`missing input ${missing.join(', ')}`);
  if (binary && binaryAt !== binary.length) throw badRequest(`the body has ${binary.length - binaryAt} bytes of binary data no input claims`);

  const binaryDefault = params.binary_data_output === true;
  const outSpecs = new Set(sig.outputs.map((s) => s.name));
  let outputs: RequestedOutput[];
  if (doc.outputs === undefined) outputs = sig.outputs.map((s) => ({ name: s.name, binary: binaryDefault }));
  else {
    if (!Array.isArray(doc.outputs)) throw badRequest("'outputs' must be an array");
    outputs = doc.outputs.map((o, k) => {
      if (!isObject(o) || typeof o.name !== 'string') throw badRequest(`outputs[${k}] must be an object with a name`);
      if (!outSpecs.has(o.name)) throw badRequest(`unknown output '${o.name}'; the model's outputs are ${[...outSpecs].map((n) => `'${n}'`).join(', ')}`);
      const op = o.parameters;
      if (op !== undefined && !isObject(op)) throw badRequest(`output '${o.name}': parameters must be an object`);
      const b = op?.binary_data;
      return { name: o.name, binary: b === undefined ? binaryDefault : b === true };
    });
  }
  return { ...(doc.id !== undefined ? { id: doc.id as string } : {}), inputs, outputs };
}
