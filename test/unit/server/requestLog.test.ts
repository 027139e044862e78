import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRequestLog } from '../../../src/core/monitor/requestLog';
import { RequestLog } from '../../../src/server/requestLog';
import { makeTempDir } from '../../helpers/tmp';

const cfg = (dir: string, over: Partial<{ maxFileBytes: number; maxFiles: number; maxRecordBytes: number }> = {}) => ({
  dir,
  sampleRate: 1,
  maxFileBytes: 1 << 20,
  maxFiles: 3,
  maxRecordBytes: 1 << 16,
  ...over,
});

describe('model server request log → monitoring reader', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('reads back every datatype the server logs, values and record fields intact', async () => {
    const log = new RequestLog(cfg(tmp.dir));
    log.write({
      time: '2026-11-26T06:00:00.000Z',
      model: 'm',
      version: '2',
      id: 'req "1"',
      status: 200,
      latency_ms: 1.5,
      queue_ms: 0.25,
      inference_ms: 1,
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 2], data: Float32Array.from([0.1, -2.5, NaN, Infinity]) },
        { name: 'n', datatype: 'INT64', shape: [2], data: BigInt64Array.from([3n, -4n]) },
        { name: 'u', datatype: 'UINT8', shape: [3], data: Uint8Array.from([0, 7, 255]) },
        { name: 'd', datatype: 'FP64', shape: [1], data: Float64Array.from([-Infinity]) },
        { name: 's', datatype: 'BYTES', shape: [2], data: ['a', 'é'] },
        { name: 'b', datatype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) },
      ],
      outputs: [{ name: 'label', datatype: 'INT32', shape: [2], data: Int32Array.from([1, 0]) }],
    });
    log.write({ time: '2026-11-26T06:00:01.000Z', model: 'm', version: '2', status: 400, latency_ms: 0.1, error: 'bad shape' });
    await log.close();
    const [first, bad] = readRequestLog(tmp.dir);
    assert.ok(first && bad);
    const ok = first as typeof first & { id?: string; queue_ms?: number; inference_ms?: number };
    assert.deepEqual(
      { id: ok.id, status: ok.status, latency_ms: ok.latency_ms, queue_ms: ok.queue_ms, inference_ms: ok.inference_ms, t: ok.t },
      { id: 'req "1"', status: 200, latency_ms: 1.5, queue_ms: 0.25, inference_ms: 1, t: Date.parse('2026-11-26T06:00:00.000Z') },
    );
    const data = Object.fromEntries(ok.inputs!.map((t) => [t.name, t.data]));
    assert.deepEqual(data, {
      x: [Math.fround(0.1), -2.5, 'NaN', 'Infinity'],
      n: [3, -4],
      u: [0, 7, 255],
      d: ['-Infinity'],
      s: ['a', 'é'],
      b: [true, false],
    });
    assert.deepEqual(ok.inputs![0]!.shape, [2, 2]);
    assert.deepEqual(ok.outputs![0]!.data, [1, 0]);
    assert.equal((bad as { error?: string }).error, 'bad shape');
    assert.equal(bad.inputs, undefined);
  });

  it('writes a record over maxRecordBytes without data, marked truncated', async () => {
    const log = new RequestLog(cfg(tmp.dir, { maxRecordBytes: 16 }));
    log.write({
      time: '2026-11-26T06:00:00.000Z',
      model: 'm',
      version: '1',
      status: 200,
      latency_ms: 1,
      inputs: [{ name: 'x', datatype: 'FP32', shape: [8], data: new Float32Array(8) }],
    });
    await log.close();
    const [r] = readRequestLog(tmp.dir);
    assert.equal(r!.truncated, true);
    assert.equal(r!.inputs![0]!.data, undefined);
    assert.deepEqual(r!.inputs![0]!.shape, [8]);
  });

  it('rotates by size and the reader returns every kept record oldest first', async () => {
    const log = new RequestLog(cfg(tmp.dir, { maxFileBytes: 400, maxFiles: 2 }));
    for (let i = 0; i < 12; i++) {
      log.write({
        time: new Date(Date.UTC(2026, 10, 26, 6, 0, i)).toISOString(),
        model: 'm',
        version: '1',
        status: 200,
        latency_ms: i,
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: Float32Array.from([i]) }],
      });
      await new Promise((r) => setImmediate(r));
    }
    await log.close();
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['requests.1.jsonl', 'requests.2.jsonl', 'requests.jsonl']);
    for (const f of fs.readdirSync(tmp.dir)) assert.ok(fs.statSync(path.join(tmp.dir, f)).size <= 400, `${f} stays under maxFileBytes`);
    const latencies = readRequestLog(tmp.dir).map((r) => r.latency_ms);
    assert.ok(latencies.length >= 3 && latencies.length < 12, `older files were dropped: ${latencies.join(',')}`);
    assert.deepEqual(
      latencies,
      [...latencies].sort((a, b) => a - b),
    );
    assert.equal(latencies.at(-1), 11);
    assert.deepEqual(
      readRequestLog(tmp.dir).map((r) => r.inputs![0]!.data![0]),
      latencies,
    );
  });
});
