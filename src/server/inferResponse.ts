// Encodes an inference answer: JSON, or with the binary tensor data extension when any requested
// output asked for binary_data (then the body is the JSON header followed by the raw tensors, and
// Inference-Header-Content-Length says where the header ends).
//
// A JSON answer stays a string: Node's http then sends the headers and the body in one write instead
// of a writev of a header string and a Buffer (measured with bench/server.bench.mjs; see
// docs/server.md#performance), and the request log copies that string straight into its frame, so no
// Buffer is made for it at all (docs/monitoring.md, "Cost of the request log"). Writing the
// JSON text by hand instead of JSON.stringify was tried and was twice as slow (2.2 vs 1.0 µs for
// the iris answer).
import { type Datatype, datatypeOfOrt } from './datatypes';
import type { RequestedOutput } from './inferRequest';
import type { LoggedBody } from './requestLog';
import { type Tensor, encodeBinaryData, encodeJsonData } from './tensorCodec';
import type { WireTensor } from './workerMessages';

export interface EncodedResponse {
  /** What goes on the wire: the JSON text, or the JSON header and binary tensors as one Buffer. */
  wire: string | Buffer;
  /** Bytes of `wire` (its Content-Length). */
  wireBytes: number;
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
  const text = JSON.stringify({ model_name: model.name, model_version: model.version, ...(id !== undefined ? { id } : {}), outputs: jsonOutputs });
  const jsonBytes = Buffer.byteLength(text);
  if (!binaries.length) return new JsonResponse(text, jsonBytes, outputs);
  const body = Buffer.concat([Buffer.from(text), ...binaries]);
  return {
    wire: body,
    wireBytes: body.length,
    headers: ['Content-Type', 'application/octet-stream', 'Inference-Header-Content-Length', String(jsonBytes)],
    jsonBytes,
    outputs,
  };
}

/** The answer as the request log takes it: the JSON string itself, or the binary answer's Buffer. */
export function loggedAnswer(enc: EncodedResponse): LoggedBody {
  return typeof enc.wire === 'string' ? { text: enc.wire, jsonBytes: enc.jsonBytes } : { bytes: enc.wire, jsonBytes: enc.jsonBytes };
}

/** A JSON answer. A class, not an object literal with a getter: V8 builds such a literal ~0.5 µs slower. */
class JsonResponse implements EncodedResponse {
  readonly headers = JSON_HEADERS;
  constructor(
    readonly wire: string,
    readonly jsonBytes: number,
    readonly outputs: Tensor[],
  ) {}
  get wireBytes(): number {
    return this.jsonBytes;
  }
}
