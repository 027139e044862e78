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
});
