import * as fs from 'node:fs';
import { MlwbError } from '../errors';
import type { OnnxMetadata } from './model';

/**
 * Reads the few ModelProto fields the registry needs (producer, opsets, IR version, metadata) and
 * the `location` of every tensor stored as external data, straight from the protobuf wire format.
 * It reads field headers with positional reads and seeks past payloads, so a model of hundreds of
 * MB costs a few KB of reads, and it never loads the weights. onnxruntime does the real loading;
 * this only answers what onnxruntime-node does not expose.
 *
 * Field numbers are from onnx/onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, StringStringEntryProto, OperatorSetIdProto).
 */
export interface OnnxProtoInfo {
  readonly metadata: OnnxMetadata;
  /** Distinct external data locations, as written in the model (relative to the model's folder). */
  readonly externalData: readonly string[];
}

interface Field {
  readonly no: number;
  readonly wire: number;
  /** Varint value (wire 0), else undefined. */
  readonly value?: bigint;
  /** Payload offset and length (wire 2). */
  readonly start: number;
  readonly length: number;
}

class Reader {
  private readonly buf = Buffer.alloc(16);
  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly file: string,
  ) {}

  bytes(pos: number, len: number): Buffer {
    if (pos + len > this.size) throw this.truncated();
    const out = Buffer.alloc(len);
    const n = fs.readSync(this.fd, out, 0, len, pos);
    if (n !== len) throw this.truncated();
    return out;
  }

  /** Varint at pos: its value and the position after it. */
  varint(pos: number, end: number): [bigint, number] {
    const avail = Math.min(10, end - pos);
    if (avail <= 0) throw this.truncated();
    const n = fs.readSync(this.fd, this.buf, 0, avail, pos);
    let result = 0n;
    for (let i = 0; i < n; i++) {
      const b = this.buf[i]!;
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return [result, pos + i + 1];
    }
    if (n < 10 && pos + n >= end) throw this.truncated();
    throw this.invalid('a varint longer than 10 bytes');
  }

  /** Every field of the message in [start, end). */
  *fields(start: number, end: number): Generator<Field> {
    let pos = start;
    while (pos < end) {
      const [key, p1] = this.varint(pos, end);
      const no = Number(key >> 3n);
      const wire = Number(key & 7n);
      if (no === 0) throw this.invalid('field number 0');
      if (wire === 0) {
        const [value, p2] = this.varint(p1, end);
        yield { no, wire, value, start: p1, length: p2 - p1 };
        pos = p2;
      } else if (wire === 2) {
        const [len, p2] = this.varint(p1, end);
        const length = Number(len);
        if (p2 + length > end) throw this.truncated();
        yield { no, wire, start: p2, length };
        pos = p2 + length;
      } else if (wire === 1 || wire === 5) {
        const length = wire === 1 ? 8 : 4;
        if (p1 + length > end) throw this.truncated();
        yield { no, wire, start: p1, length };
        pos = p1 + length;
      } else {
        throw this.invalid(`wire type ${wire}`);
      }
    }
    if (pos !== end) throw this.truncated();
  }

  string(f: Field): string {
    if (f.wire !== 2) throw this.invalid(`field ${f.no} is not a string`);
    return this.bytes(f.start, Math.min(f.length, 1 << 20)).toString('utf8');
  }

  truncated(): MlwbError {
    return new MlwbError(`${this.file} is not a complete ONNX model: it ends in the middle of a record (truncated or not ONNX).`, 'INVALID_ARGUMENT');
  }

  invalid(what: string): MlwbError {
    return new MlwbError(`${this.file} is not an ONNX model: its protobuf has ${what}.`, 'INVALID_ARGUMENT');
  }
}

export function readOnnxProto(file: string): OnnxProtoInfo {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new MlwbError(`${file} is empty, not an ONNX model.`, 'INVALID_ARGUMENT');
    const r = new Reader(fd, size, file);
    const meta = {
      ir_version: null as number | null,
      producer_name: '',
      producer_version: '',
      domain: '',
      model_version: null as number | null,
      doc_string: '',
      opsets: [] as { domain: string; version: number }[],
      metadata_props: {} as Record<string, string>,
    };
    const external = new Set<string>();
    let sawGraph = false;
    for (const f of r.fields(0, size)) {
      if (f.no === 1 && f.wire === 0) meta.ir_version = Number(f.value);
      else if (f.no === 2) meta.producer_name = r.string(f);
      else if (f.no === 3) meta.producer_version = r.string(f);
      else if (f.no === 4) meta.domain = r.string(f);
      else if (f.no === 5 && f.wire === 0) meta.model_version = Number(f.value);
      else if (f.no === 6) meta.doc_string = r.string(f);
      else if (f.no === 7 && f.wire === 2) {
        sawGraph = true;
        scanGraph(r, f, external, 0);
      } else if (f.no === 8 && f.wire === 2) {
        let domain = '';
        let version = 0;
        for (const g of r.fields(f.start, f.start + f.length)) {
          if (g.no === 1) domain = r.string(g);
          else if (g.no === 2 && g.wire === 0) version = Number(g.value);
        }
        meta.opsets.push({ domain, version });
      } else if (f.no === 14 && f.wire === 2) {
        const [k, v] = entry(r, f);
        meta.metadata_props[k] = v;
      }
    }
    if (meta.ir_version === null || !sawGraph) {
      throw new MlwbError(`${file} is not an ONNX model: it has no ${meta.ir_version === null ? 'IR version' : 'graph'}.`, 'INVALID_ARGUMENT');
    }
    return { metadata: meta, externalData: [...external].sort() };
  } finally {
    fs.closeSync(fd);
  }
}

function entry(r: Reader, f: Field): [string, string] {
  let key = '';
  let value = '';
  for (const g of r.fields(f.start, f.start + f.length)) {
    if (g.no === 1) key = r.string(g);
    else if (g.no === 2) value = r.string(g);
  }
  return [key, value];
}

/** GraphProto: initializers (5), sparse initializers (15) and nodes (1) whose attributes hold tensors or subgraphs. */
function scanGraph(r: Reader, g: Field, external: Set<string>, depth: number): void {
  if (depth > 64) throw r.invalid('subgraphs nested more than 64 deep');
  for (const f of r.fields(g.start, g.start + g.length)) {
    if (f.wire !== 2) continue;
    if (f.no === 5) scanTensor(r, f, external);
    else if (f.no === 15) scanSparse(r, f, external);
    else if (f.no === 1) {
      for (const a of r.fields(f.start, f.start + f.length)) if (a.no === 5 && a.wire === 2) scanAttribute(r, a, external, depth);
    }
  }
}

function scanAttribute(r: Reader, a: Field, external: Set<string>, depth: number): void {
  for (const f of r.fields(a.start, a.start + a.length)) {
    if (f.wire !== 2) continue;
    if (f.no === 5 || f.no === 10)
      scanTensor(r, f, external); // t, tensors
    else if (f.no === 6 || f.no === 11)
      scanGraph(r, f, external, depth + 1); // g, graphs
    else if (f.no === 22 || f.no === 23) scanSparse(r, f, external); // sparse_tensor(s)
  }
}

function scanSparse(r: Reader, s: Field, external: Set<string>): void {
  for (const f of r.fields(s.start, s.start + s.length)) if ((f.no === 1 || f.no === 2) && f.wire === 2) scanTensor(r, f, external);
}

/** TensorProto: data_location (14) EXTERNAL = 1, with external_data (13) entries; `location` names the file. */
function scanTensor(r: Reader, t: Field, external: Set<string>): void {
  let isExternal = false;
  let location: string | undefined;
  for (const f of r.fields(t.start, t.start + t.length)) {
    if (f.no === 14 && f.wire === 0) isExternal = f.value === 1n;
    else if (f.no === 13 && f.wire === 2) {
      const [k, v] = entry(r, f);
      if (k === 'location') location = v;
    }
  }
  if (isExternal) {
    if (location === undefined) throw r.invalid('a tensor stored externally without a location');
    external.add(location);
  }
}
