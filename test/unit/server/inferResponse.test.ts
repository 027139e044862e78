// A JSON answer now goes on the wire as a string (one write with the headers) and its Buffer is made
// only when the request log asks; these tests hold the bytes, lengths and header to exactly what the
// encoder wrote before (a Buffer of JSON.stringify's text, then the binary tensors), every datatype.
import { strict as assert } from 'node:assert';
import { DATATYPES, type Datatype, allocate } from '../../../src/server/datatypes';
import { toHalf } from '../../../src/shared/half';
import { encodeInferResponse } from '../../../src/server/inferResponse';
import { type Tensor, encodeBinaryData, encodeJsonData } from '../../../src/server/tensorCodec';

/** The answer as the server encoded it before: JSON.stringify's text as a Buffer, then the binary tensors. */
function reference(model: { name: string; version: string }, id: string | undefined, outputs: Tensor[], binary: boolean[]): Buffer {
  const binaries: Buffer[] = [];
  const json = outputs.map((t, i) => {
    const head = { name: t.name, datatype: t.datatype, shape: t.shape };
    if (!binary[i]) return { ...head, data: encodeJsonData(t.datatype, t.data) };
    const bytes = encodeBinaryData(t.datatype, t.data);
    binaries.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({ model_name: model.name, model_version: model.version, ...(id !== undefined ? { id } : {}), outputs: json }));
  return Buffer.concat([header, ...binaries]);
}

/** Awkward values of each datatype: extremes, NaN/±Inf, -0, non-ASCII and JSON-escaped text. */
function sample(dt: Datatype): Tensor {
  const values: Record<Datatype, unknown[]> = {
    BOOL: [1, 0, 1],
    UINT8: [0, 255, 7],
    UINT16: [0, 65535],
    UINT32: [0, 4294967295],
    UINT64: [0n, 2n ** 53n, 2n ** 64n - 1n],
    INT8: [-128, 127],
    INT16: [-32768, 32767],
    INT32: [-2147483648, 2147483647, 0],
    INT64: [-(2n ** 63n), 2n ** 63n - 1n, -5n],
    FP16: [toHalf(0.1), toHalf(-0), toHalf(Infinity), toHalf(-Infinity), toHalf(NaN), 1, toHalf(65504)],
    FP32: [0.1, -0, 1e-45, 3.4e38, NaN, Infinity, -Infinity, 1e21, 123456789],
    FP64: [0.1, -0, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity, 1e21, 1e-7],
    BYTES: ['', 'plain', 'quote " backslash \\ newline \n tab \t', 'ünïcødé ✓ 🐍', '\u0000\u001f\u2028'],
  };
  const v = values[dt];
  const data = allocate(dt, v.length);
  v.forEach((x, i) => ((data as unknown[])[i] = x));
  return { name: `out_${dt.toLowerCase()}`, datatype: dt, shape: [1, v.length], data };
}

describe('model server answer encoding', () => {
  const model = { name: 'm"odel', version: '2' };
  const all = DATATYPES.map(sample);

  for (const binary of [false, true]) {
    for (const id of [undefined, 'req-1 "quoted" ✓']) {
      it(`writes what JSON.stringify wrote, every datatype (${binary ? 'binary' : 'JSON'} outputs, ${id === undefined ? 'no id' : 'with id'})`, () => {
        const flags = all.map(() => binary);
        const enc = encodeInferResponse(
          model,
          id,
          all,
          flags.map((b, i) => ({ name: all[i]!.name, binary: b })),
        );
        const want = reference(model, id, all, flags);
        assert.equal(Buffer.from(enc.wire).toString('latin1'), want.toString('latin1'));
        assert.equal(enc.wireBytes, want.length);
        assert.equal(Buffer.isBuffer(enc.wire) ? enc.wire.length : Buffer.byteLength(enc.wire), want.length);
        const jsonEnd = binary ? Number(enc.headers[enc.headers.indexOf('Inference-Header-Content-Length') + 1]) : want.length;
        assert.equal(enc.jsonBytes, jsonEnd);
        JSON.parse(want.subarray(0, jsonEnd).toString('utf8')); // the header is valid JSON
      });
    }
  }

  it('mixes JSON and binary outputs, and writes empty tensors', () => {
    const empty: Tensor = { name: 'empty', datatype: 'FP32', shape: [0, 3], data: new Float32Array(0) };
    const outs = [all[11]!, empty, all[12]!, all[0]!];
    const flags = [true, false, false, true];
    const enc = encodeInferResponse(
      model,
      undefined,
      outs,
      flags.map((b, i) => ({ name: outs[i]!.name, binary: b })),
    );
    assert.deepEqual(Buffer.from(enc.wire), reference(model, undefined, outs, flags));
  });

  it('keeps a JSON answer a string on the wire, so Node writes it with the headers in one write', () => {
    const enc = encodeInferResponse(model, undefined, [all[10]!], [{ name: all[10]!.name, binary: false }]);
    assert.equal(typeof enc.wire, 'string');
    assert.deepEqual(enc.headers, ['Content-Type', 'application/json']);
  });
});
