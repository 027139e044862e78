// The model server's request log, written by src/server/requestLog.ts and read back by the
// monitoring reader (src/core/monitor/requestLog.ts): every datatype in both wire forms reads back as
// the values the server decoded, and the log keeps its bounds (record size, file size, rotation).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LoggedRequest, readRequestLog } from '../../../src/core/monitor/requestLog';
import { FILE_MAGIC, readFrames } from '../../../src/core/monitor/requestLogFormat';
import { requestLogJsonLines } from '../../../src/core/monitor/requestLogJson';
import type { Datatype } from '../../../src/server/datatypes';
import { parseInferRequest } from '../../../src/server/inferRequest';
import { encodeInferResponse, loggedAnswer } from '../../../src/server/inferResponse';
import { type RawBody, RequestLog, type RequestRecord } from '../../../src/server/requestLog';
import type { ModelSignature } from '../../../src/server/signature';
import { type Tensor, encodeBinaryData, encodeJsonData } from '../../../src/server/tensorCodec';
import { until } from '../../helpers/wait';
import { makeTempDir } from '../../helpers/tmp';

const cfg = (dir: string, over: Partial<{ maxFileBytes: number; maxFiles: number; maxRecordBytes: number }> = {}) => ({
  dir,
  sampleRate: 1,
  maxFileBytes: 1 << 20,
  maxFiles: 3,
  maxRecordBytes: 1 << 16,
  ...over,
});

/** One tensor of every datatype, with the spellings clients use (nested data, "inf", BOOL as 0/1, escapes in strings). */
const EVERY: { name: string; datatype: Datatype; shape: number[]; data: unknown[] }[] = [
  {
    name: 'f32',
    datatype: 'FP32',
    shape: [2, 2],
    data: [
      [0.1, -2.5],
      ['NaN', 'inf'],
    ],
  },
  { name: 'f64', datatype: 'FP64', shape: [2], data: [-1e300, '-Infinity'] },
  { name: 'f16', datatype: 'FP16', shape: [3], data: [0.5, -2, 'NaN'] },
  { name: 'i8', datatype: 'INT8', shape: [2], data: [-128, 127] },
  { name: 'i16', datatype: 'INT16', shape: [2], data: [-32768, 5] },
  { name: 'i32', datatype: 'INT32', shape: [2], data: [2147483647, -1] },
  { name: 'i64', datatype: 'INT64', shape: [2], data: [3, -4] },
  { name: 'u8', datatype: 'UINT8', shape: [3], data: [0, 7, 255] },
  { name: 'u16', datatype: 'UINT16', shape: [1], data: [65535] },
  { name: 'u32', datatype: 'UINT32', shape: [1], data: [4294967295] },
  { name: 'u64', datatype: 'UINT64', shape: [1], data: [9007199254740991] },
  { name: 'b', datatype: 'BOOL', shape: [3], data: [true, 0, 1] },
  { name: 's', datatype: 'BYTES', shape: [2], data: ['a', 'é\n"x'] },
];
const SIG: ModelSignature = { inputs: EVERY.map(({ name, datatype, shape }) => ({ name, datatype, shape })), outputs: [] };

/** A JSON request body, pretty-printed (line feeds between tokens, as curl users send it). */
function jsonRequest(id: string): Buffer {
  return Buffer.from(JSON.stringify({ id, inputs: EVERY }, null, 2));
}

/** The same tensors as a binary-extension request: JSON header, then each tensor's bytes. */
function binaryRequest(id: string, tensors: Tensor[]): { body: Buffer; headerLength: string } {
  const parts = tensors.map((t) => encodeBinaryData(t.datatype, t.data));
  const header = Buffer.from(
    JSON.stringify({
      id,
      inputs: tensors.map((t, i) => ({ name: t.name, datatype: t.datatype, shape: t.shape, parameters: { binary_data_size: parts[i]!.length } })),
    }),
  );
  return { body: Buffer.concat([header, ...parts]), headerLength: String(header.length) };
}

/** What ModelServer.infer hands the log: the body as read, the answer as encoded (JSON or binary). */
function served(body: Buffer, headerLength: string | undefined, binaryAnswer: boolean): { record: RequestRecord; inputs: Tensor[]; outputs: Tensor[] } {
  const parsed = parseInferRequest(body, headerLength, SIG);
  // The answer carries the same tensors back, so outputs cover every datatype too.
  const enc = encodeInferResponse(
    { name: 'm', version: '2' },
    parsed.id,
    parsed.inputs,
    parsed.inputs.map((t) => ({ name: t.name, binary: binaryAnswer })),
  );
  return {
    inputs: parsed.inputs,
    outputs: enc.outputs,
    record: {
      time: Date.parse('2026-11-26T06:00:00.000Z'),
      model: 'm',
      version: '2',
      status: 200,
      latency_ms: 1.5,
      queue_ms: 0.25,
      inference_ms: 1,
      request: { body: { bytes: body, jsonBytes: headerLength === undefined ? body.length : Number(headerLength) }, inputs: parsed.inputs },
      response: { body: loggedAnswer(enc), outputs: enc.outputs },
    },
  };
}

/** The values monitoring should see: what the server decoded, in the protocol's JSON spelling. */
const plain = (ts: Tensor[]) => Object.fromEntries(ts.map((t) => [t.name, encodeJsonData(t.datatype, t.data)]));
const logged = (ts: LoggedRequest['inputs']) => Object.fromEntries((ts ?? []).map((t) => [t.name, t.data]));

describe('model server request log → monitoring reader', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.cleanup());

  it('reads back every datatype of a JSON request and a JSON answer as the server decoded them', async () => {
    const log = new RequestLog(cfg(tmp.dir));
    const { record, inputs, outputs } = served(jsonRequest('req "1"'), undefined, false);
    log.write(record);
    await log.close();
    const file = fs.readFileSync(path.join(tmp.dir, 'requests.bin'));
    assert.ok(file.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC));
    assert.equal([...readFrames(file)].length, 1);
    // As JSON Lines (`mlwb monitor requests --json`): one line, the bodies verbatim but for their line feeds.
    const lines = requestLogJsonLines(tmp.dir);
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0]!, /\n/);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(line.request, JSON.parse(jsonRequest('req "1"').toString()));
    assert.deepEqual(
      [line.time, line.model, line.version, line.status, line.latency_ms, line.queue_ms, line.inference_ms],
      ['2026-11-26T06:00:00.000Z', 'm', '2', 200, 1.5, 0.25, 1],
    );
    assert.equal((line.response as { outputs: unknown[] }).outputs.length, EVERY.length);
    const [r] = readRequestLog(tmp.dir);
    assert.ok(r);
    assert.deepEqual(
      { id: r.id, status: r.status, latency_ms: r.latency_ms, queue_ms: r.queue_ms, inference_ms: r.inference_ms, t: r.t, model: r.model, version: r.version },
      { id: 'req "1"', status: 200, latency_ms: 1.5, queue_ms: 0.25, inference_ms: 1, t: Date.parse('2026-11-26T06:00:00.000Z'), model: 'm', version: '2' },
    );
    assert.deepEqual(logged(r.inputs), plain(inputs));
    assert.deepEqual(logged(r.outputs), plain(outputs));
    assert.deepEqual(
      r.inputs!.map((t) => [t.name, t.datatype, t.shape]),
      EVERY.map((t) => [t.name, t.datatype, t.shape]),
    );
    assert.deepEqual(logged(r.inputs).s, ['a', 'é\n"x']);
  });

  it('reads back every datatype of a binary-extension request and answer', async () => {
    const typed = parseInferRequest(jsonRequest('x'), undefined, SIG).inputs;
    const bin = binaryRequest('bin', typed);
    const log = new RequestLog(cfg(tmp.dir));
    const { record, inputs, outputs } = served(bin.body, bin.headerLength, true);
    log.write(record);
    await log.close();
    const [r] = readRequestLog(tmp.dir);
    assert.equal(r?.id, 'bin');
    assert.deepEqual(logged(r.inputs), plain(inputs));
    assert.deepEqual(logged(r.outputs), plain(outputs));
    assert.deepEqual(logged(r.inputs).f32, [Math.fround(0.1), -2.5, 'NaN', 'Infinity']);
    // As JSON Lines: the bytes after each JSON header in base64, in the tensors' order.
    const line = JSON.parse(requestLogJsonLines(tmp.dir)[0]!) as Record<string, string>;
    assert.equal(line.request_binary_b64, bin.body.subarray(Number(bin.headerLength)).toString('base64'));
    assert.equal(Buffer.from(line.response_binary_b64!, 'base64').length, (record.response!.body as RawBody).bytes.length - record.response!.body.jsonBytes);
  });

  it('reads back a binary-extension request whose tensors are all empty (no bytes after the header)', async () => {
    const sig: ModelSignature = { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 2] }], outputs: [] };
    const body = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [0, 2], parameters: { binary_data_size: 0 } }] }));
    const parsed = parseInferRequest(body, String(body.length), sig);
    const log = new RequestLog(cfg(tmp.dir));
    log.write({
      time: Date.parse('2026-11-26T06:00:00.000Z'),
      model: 'm',
      version: '2',
      status: 200,
      latency_ms: 1,
      request: { body: { bytes: body, jsonBytes: body.length }, inputs: parsed.inputs },
    });
    await log.close();
    const [r] = readRequestLog(tmp.dir);
    assert.deepEqual(r?.inputs, [{ name: 'x', datatype: 'FP32', shape: [0, 2], data: [] }]);
  });

  it('logs failures: unparsed requests without inputs, failed inference with inputs and no outputs', async () => {
    const log = new RequestLog(cfg(tmp.dir));
    log.write({ time: Date.parse('2026-11-26T06:00:01.005Z'), model: 'm', version: '2', status: 400, latency_ms: 0.1, error: 'bad "shape"' });
    const { record } = served(jsonRequest('late'), undefined, false);
    log.write({
      ...record,
      time: Date.parse('2026-11-26T06:00:01.050Z'),
      status: 503,
      error: 'timed out',
      response: undefined,
      queue_ms: undefined,
      inference_ms: undefined,
    });
    await log.close();
    const [bad, late] = readRequestLog(tmp.dir);
    assert.deepEqual([bad?.time, late?.time], ['2026-11-26T06:00:01.005Z', '2026-11-26T06:00:01.050Z']);
    assert.deepEqual(
      readRequestLog(tmp.dir, { sinceMs: Date.parse('2026-11-26T06:00:01.006Z') }).map((r) => r.error),
      ['timed out'],
    );
    assert.deepEqual([bad?.status, bad?.error, bad?.inputs, bad?.outputs], [400, 'bad "shape"', undefined, undefined]);
    assert.deepEqual([late?.status, late?.error, late?.id, late?.outputs, late?.queue_ms], [503, 'timed out', 'late', undefined, undefined]);
    assert.equal(late?.inputs?.length, EVERY.length);
  });

  it('writes a record whose bodies pass maxRecordBytes without data, with names and shapes, marked truncated', async () => {
    const log = new RequestLog(cfg(tmp.dir, { maxRecordBytes: 256 }));
    log.write(served(jsonRequest('big'), undefined, false).record);
    await log.close();
    const [r] = readRequestLog(tmp.dir);
    assert.equal(r!.truncated, true);
    assert.ok(fs.statSync(path.join(tmp.dir, 'requests.bin')).size < 2048, 'the bodies were left out');
    assert.deepEqual(
      r!.inputs!.map((t) => [t.name, t.shape, t.data]),
      EVERY.map((t) => [t.name, t.shape, undefined]),
    );
    assert.equal(r!.outputs!.length, EVERY.length);
  });

  it('rotates by size: no file passes maxFileBytes and the reader returns every kept record oldest first', async () => {
    const log = new RequestLog(cfg(tmp.dir, { maxFileBytes: 4000, maxFiles: 2 }));
    const typed = parseInferRequest(jsonRequest('x'), undefined, SIG).inputs;
    for (let i = 0; i < 40; i++) {
      // JSON and binary records alternate, with non-ASCII model text, so byte counting is exercised.
      const { record } = i % 2 ? served(jsonRequest(`r${i}`), undefined, false) : ((b) => served(b.body, b.headerLength, true))(binaryRequest(`r${i}`, typed));
      log.write({ ...record, time: Date.UTC(2026, 10, 26, 6, 0, 59, 990 + i), model: 'modèle', latency_ms: i });
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 15));
    }
    await log.close();
    assert.deepEqual(fs.readdirSync(tmp.dir).sort(), ['requests.1.bin', 'requests.2.bin', 'requests.bin']);
    for (const f of fs.readdirSync(tmp.dir)) assert.ok(fs.statSync(path.join(tmp.dir, f)).size <= 4000, `${f} stays under maxFileBytes`);
    const all = readRequestLog(tmp.dir);
    const latencies = all.map((r) => r.latency_ms);
    assert.ok(latencies.length >= 3 && latencies.length < 40, `older files were dropped: ${latencies.join(',')}`);
    assert.deepEqual(
      latencies,
      [...latencies].sort((a, b) => a - b),
    );
    assert.equal(latencies.at(-1), 39);
    assert.deepEqual(
      all.map((r) => r.id),
      latencies.map((l) => `r${l}`),
    );
    assert.ok(all.every((r) => r.model === 'modèle' && r.inputs?.length === EVERY.length && r.inputs.every((t) => t.data)));
  });

  it('writes records in batches without waiting for close: every record, in order, soon after it was logged', async () => {
    const log = new RequestLog(cfg(tmp.dir, { maxFileBytes: 64 << 20 }));
    const { record } = served(jsonRequest('x'), undefined, false);
    const n = 2500; // ~5 MB: many full batches, then a partial one that only the timer writes
    for (let i = 0; i < n; i++) log.write({ ...record, latency_ms: i });
    const all = await until(
      () => {
        const r = readRequestLog(tmp.dir, { limit: Infinity });
        return r.length === n ? r : undefined;
      },
      `all ${n} records in the file before close()`,
      5000,
    );
    assert.deepEqual(
      all.map((r) => r.latency_ms),
      Array.from({ length: n }, (_, i) => i),
    );
    assert.deepEqual(
      readRequestLog(tmp.dir, { limit: 3 }).map((r) => r.latency_ms),
      [n - 3, n - 2, n - 1],
    );
    assert.deepEqual(
      requestLogJsonLines(tmp.dir, { limit: 2 }).map((l) => (JSON.parse(l) as { latency_ms: number }).latency_ms),
      [n - 2, n - 1],
    );
    await log.close();
  });

  it('drops records once the disk is 16 MiB behind (one warning, write never waits), and writes what it accepted once the disk moves', async () => {
    // A FIFO nobody reads is a disk that does not move: opening it blocks (in libuv's thread pool, not the serving thread).
    execFileSync('mkfifo', [path.join(tmp.dir, 'requests.bin')]);
    const log = new RequestLog(cfg(tmp.dir, { maxFileBytes: 1 << 30 }));
    const big = Buffer.from(JSON.stringify({ id: 'big', inputs: [{ name: 'x', datatype: 'BYTES', shape: [1], data: ['y'.repeat(60_000)] }] }));
    const record: RequestRecord = {
      time: Date.now(),
      model: 'm',
      version: '1',
      status: 200,
      latency_ms: 0,
      request: { body: { bytes: big, jsonBytes: big.length }, inputs: [] },
    };
    const warnings: string[] = [];
    const stderrWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (warnings.push(String(s)), true)) as typeof process.stderr.write;
    const n = 400; // ~24 MB of records
    try {
      for (let i = 0; i < n; i++) {
        log.write({ ...record, latency_ms: i });
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5)); // timers run, batches are handed over
      }
    } finally {
      process.stderr.write = stderrWrite;
    }
    assert.equal(warnings.filter((w) => w.includes('records are being dropped')).length, 1, warnings.join(''));
    // The disk moves: everything accepted before the drops arrives, in order, then the file is closed.
    const chunks: Buffer[] = [];
    const reader = fs.createReadStream(path.join(tmp.dir, 'requests.bin'));
    reader.on('data', (c) => chunks.push(c as Buffer));
    const ended = new Promise<void>((r) => reader.on('end', () => r()));
    await log.close();
    await ended;
    const written = Buffer.concat(chunks);
    const kept = [...readFrames(written)].map((f) => f.latency_ms);
    // The bound is on bytes handed to the disk: frames (body and header) up to 16 MiB are accepted before drops begin.
    assert.ok(written.length >= 16 << 20 && kept.length < n, `kept ${kept.length} of ${n} (${written.length} bytes)`);
    assert.deepEqual(
      kept,
      Array.from({ length: kept.length }, (_, i) => i),
    );
  });

  it('a restarted server appends after a torn last frame; readers skip the torn frame and damage, and keep every whole record', async () => {
    const { record } = served(jsonRequest('x'), undefined, false);
    const first = new RequestLog(cfg(tmp.dir));
    for (let i = 0; i < 3; i++) first.write({ ...record, latency_ms: i });
    await first.close();
    const file = path.join(tmp.dir, 'requests.bin');
    const whole = fs.readFileSync(file);
    // A crash in the middle of a write: half of a fourth frame reached the file.
    const frame = whole.subarray(whole.length - (whole.length - FILE_MAGIC.length) / 3);
    fs.appendFileSync(file, frame.subarray(0, frame.length >> 1));
    const second = new RequestLog(cfg(tmp.dir));
    for (let i = 10; i < 12; i++) second.write({ ...record, latency_ms: i });
    await second.close();
    assert.deepEqual(
      readRequestLog(tmp.dir).map((r) => r.latency_ms),
      [0, 1, 2, 10, 11],
    );
    // Damage inside a frame (a flipped length) loses that frame only.
    const bytes = fs.readFileSync(file);
    bytes.writeUInt32LE(7, FILE_MAGIC.length + 4);
    fs.writeFileSync(file, bytes);
    assert.deepEqual(
      readRequestLog(tmp.dir).map((r) => r.latency_ms),
      [1, 2, 10, 11],
    );
  });

  it('moves a file of another format at requests.bin aside (requests.1.bin) instead of appending to it', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'requests.bin'), 'not a request log\n');
    const log = new RequestLog(cfg(tmp.dir));
    log.write({ ...served(jsonRequest('x'), undefined, false).record, latency_ms: 7 });
    await log.close();
    assert.equal(fs.readFileSync(path.join(tmp.dir, 'requests.1.bin'), 'utf8'), 'not a request log\n');
    assert.deepEqual(
      readRequestLog(tmp.dir).map((r) => r.latency_ms),
      [7],
    );
  });
});
