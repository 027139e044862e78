// Encodes an inference answer: JSON, or with the binary tensor data extension when any requested
// output asked for binary_data (then the body is the JSON header followed by the raw tensors, and
// Inference-Header-Content-Length says where the header ends).
import { type Datatype, datatypeOfOrt } from './datatypes';
import type { RequestedOutput } from './inferRequest';
import { type Tensor, encodeBinaryData, encodeJsonData } from './tensorCodec';
import type { WireTensor } from './workerMessages';

export interface EncodedResponse {
  body: Buffer;
  /** Header names and values, alternating (what res.writeHead takes without copying an object). */
  headers: string[];
  /** Bytes of the JSON part (the whole body unless binary tensors follow it). */
  jsonBytes: number;
  outputs: Tensor[];
}

const JSON_HEADERS = ['Content-Type', 'application/json'];

export function toTensors(outputs: Record<string, WireTensor>, requested: readonly RequestedOutput[]): Tensor[] {
  return requested.map((r) => {
    const t = outputs[r.name]!;
    return { name: r.name, datatype: datatypeOfOrt(t.type) as Datatype, shape: t.dims, data: t.data };
  });
}

export function encodeInferResponse(
  model: { name: string; version: string },
  id: string | undefined,
  outputs: Tensor[],
  requested: readonly RequestedOutput[],
): EncodedResponse {
  const binaries: Buffer[] = [];
  const jsonOutputs = outputs.map((t, i) => {
    const head = { name: t.name, datatype: t.datatype, shape: t.shape };
    if (!requested[i]!.binary) return { ...head, data: encodeJsonData(t.datatype, t.data) };
    const bytes = encodeBinaryData(t.datatype, t.data);
    binaries.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.length } };
  });
  const header = Buffer.from(
    JSON.stringify({ model_name: model.name, model_version: model.version, ...(id !== undefined ? { id } : {}), outputs: jsonOutputs }),
  );
  if (!binaries.length) return { body: header, headers: JSON_HEADERS, jsonBytes: header.length, outputs };
  return {
    body: Buffer.concat([header, ...binaries]),
    headers: ['Content-Type', 'application/octet-stream', 'Inference-Header-Content-Length', String(header.length)],
    jsonBytes: header.length,
    outputs,
  };
}
