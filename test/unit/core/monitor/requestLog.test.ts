import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inputRows, predictionDistribution, readRequestLog, requestLogFiles } from '../../../../src/core/monitor/requestLog';
import { makeTempDir } from '../../../helpers/tmp';

const rec = (t: number, data: unknown[], label: number[], extra: object = {}): string =>
  JSON.stringify({
    time: new Date(t).toISOString(),
    model: 'm',
    version: '1',
    status: 200,
    latency_ms: 1,
    inputs: [{ name: 'X', datatype: 'FP32', shape: [data.length / 2, 2], data }],
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [label.length], data: label },
      { name: 'probabilities', datatype: 'FP32', shape: [label.length, 2], data: label.flatMap(() => [0.3, 0.7]) },
    ],
    ...extra,
  }) + '\n';

describe('monitor: request log reader', () => {
  it('reads rotated files oldest first, skips torn and damaged lines, and splits tensors into feature rows', () => {
    const tmp = makeTempDir();
    try {
      fs.writeFileSync(path.join(tmp.dir, 'requests.2.jsonl'), rec(1000, [1, 2], [0]));
      fs.writeFileSync(path.join(tmp.dir, 'requests.1.jsonl'), rec(2000, [3, 4, 5, 6], [1, 1]) + 'garbage\n');
      fs.writeFileSync(path.join(tmp.dir, 'requests.jsonl'), rec(3000, ['NaN', 8], [0], { truncated: false }) + rec(4000, [9, 10], [1]).slice(0, 30));
      fs.writeFileSync(path.join(tmp.dir, 'other.jsonl'), rec(5000, [0, 0], [0]));
      assert.deepEqual(
        requestLogFiles(tmp.dir).map((f) => path.basename(f)),
        ['requests.2.jsonl', 'requests.1.jsonl', 'requests.jsonl'],
      );
      const all = readRequestLog(tmp.dir);
      assert.deepEqual(
        all.map((r) => r.t),
        [1000, 2000, 3000],
      );
      const rows = inputRows(all)!;
      assert.equal(rows.name, 'X');
      assert.equal(rows.width, 2);
      assert.deepEqual(rows.rows, [
        [1, 2],
        [3, 4],
        [5, 6],
        [NaN, 8],
      ]);
      assert.deepEqual(
        readRequestLog(tmp.dir, { sinceMs: 2000 }).map((r) => r.t),
        [2000, 3000],
      );
      assert.deepEqual(
        readRequestLog(tmp.dir, { limit: 1 }).map((r) => r.t),
        [3000],
      );
      // The label output (one-dimensional), not the probabilities, counted per class and time bin.
      const dist = predictionDistribution(all, 0, 4000, 2);
      assert.equal(dist.output, 'label');
      assert.deepEqual(
        dist.bins.map((b) => b.counts),
        [{ '0': 1 }, { '0': 1, '1': 2 }],
      );
      assert.deepEqual(readRequestLog(path.join(tmp.dir, 'missing')), []);
    } finally {
      tmp.cleanup();
    }
  });

  it('reads logs of earlier servers: data_b64 for numeric tensors, JSON data for the rest', () => {
    const tmp = makeTempDir();
    const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    try {
      // The record docs/server.md showed for that format, verbatim.
      const documented =
        '{"time":"2026-11-26T02:06:04.642Z","model":"iris","version":"1","id":"optional request id","status":200,"latency_ms":12.224,"queue_ms":3.007,"inference_ms":5.586,' +
        '"inputs":[{"name":"X","datatype":"FP32","shape":[2,4],"data_b64":"MzOjQAAAYEAzM7M/zcxMPmZm1kAAAEBAZmamQDMzE0A="}],' +
        '"outputs":[{"name":"label","datatype":"INT64","shape":[2],"data_b64":"AAAAAAAAAAACAAAAAAAAAA=="}]}\n';
      const mixed = JSON.stringify({
        time: '2026-11-26T02:06:05.000Z',
        model: 'm',
        version: '1',
        status: 200,
        latency_ms: 1,
        inputs: [
          { name: 'i8', datatype: 'INT8', shape: [2], data_b64: b64(Int8Array.from([-1, 5])) },
          { name: 'u64', datatype: 'UINT64', shape: [1], data_b64: b64(BigUint64Array.from([7n])) },
          { name: 'd', datatype: 'FP64', shape: [2], data_b64: b64(Float64Array.from([NaN, -Infinity])) },
          { name: 'b', datatype: 'BOOL', shape: [2], data: [true, false] },
          { name: 's', datatype: 'BYTES', shape: [1], data: ['é'] },
          { name: 'broken', datatype: 'FP32', shape: [1], data_b64: 'AAA=' },
        ],
      });
      fs.writeFileSync(path.join(tmp.dir, 'requests.jsonl'), documented + mixed + '\n');
      const [iris, m] = readRequestLog(tmp.dir);
      assert.equal(iris?.id, 'optional request id');
      assert.deepEqual(iris?.inputs?.[0]?.data, [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3].map(Math.fround));
      assert.deepEqual(iris?.outputs?.[0]?.data, [0, 2]);
      assert.deepEqual(Object.fromEntries(m!.inputs!.map((t) => [t.name, t.data])), {
        i8: [-1, 5],
        u64: [7],
        d: ['NaN', '-Infinity'],
        b: [true, false],
        s: ['é'],
        broken: undefined, // not a whole FP32: read as having no data
      });
    } finally {
      tmp.cleanup();
    }
  });
});
