// The request log's own cost measured in the bench process, without a server: CPU per record of
// RequestLog.write (what ModelServer.infer calls for a sampled request: bodies of the size the
// monitor bench sends, batched writes to disk included), to set against a server's CPU per request.
// Steadier than any throughput ratio on a shared machine.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { threadCpuNs } from './threadCpu.mjs';

const require = createRequire(import.meta.url);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Records in a request log folder, read by a build's own reader (`from`: a folder with its out/), whatever its file format. */
export function loggedRecords(dir, from) {
  const log = require(path.join(from, 'out/src/core/monitor/requestLog.js'));
  let format;
  try {
    format = require(path.join(from, 'out/src/core/monitor/requestLogFormat.js'));
  } catch {
    format = undefined; // a build from before the binary format
  }
  const files = log.requestLogFiles?.(dir);
  if (!format?.readFrames || !files || files.some((f) => !f.endsWith('.bin'))) return log.readRequestLog(dir, { limit: Infinity }).length;
  // Counted frame by frame, one file at a time: decoding every record at once (1.4 million after a
  // same-process run with 1 s windows) ran the bench out of heap.
  let n = 0;
  for (const file of files) {
    const frames = format.readFrames(fs.readFileSync(file));
    while (!frames.next().done) n++;
  }
  return n;
}

let microRuns = 0;
export async function logCostPerRecord(from, root, payload) {
  const { RequestLog } = require(path.join(from, 'out/src/server/requestLog.js'));
  const dir = path.join(root, `log-micro-${microRuns++}`);
  // Files large enough that no rotation deletes records, so the records written can be counted.
  const log = new RequestLog({ dir, sampleRate: 1, maxFileBytes: 512 << 20, maxFiles: 5, maxRecordBytes: 64 << 10 });
  const body = Buffer.from(payload);
  const probabilities = Array.from({ length: 10 }, (_, i) => (i % 2 ? 0.5041941404342651 : 0.4958058297634125));
  const answerText = JSON.stringify({
    model_name: 'churn',
    model_version: '1',
    outputs: [
      { name: 'label', datatype: 'INT64', shape: [5], data: [1, 1, 1, 1, 1] },
      { name: 'probabilities', datatype: 'FP32', shape: [5, 2], data: probabilities },
    ],
  });
  const answerBytes = Buffer.byteLength(answerText);
  // The JSON answer as the server hands it to this build's log: the string itself (loggedAnswer), or
  // in builds before it a Buffer made from the string per request (the answer's `body` getter).
  const { loggedAnswer } = require(path.join(from, 'out/src/server/inferResponse.js'));
  const answer = loggedAnswer
    ? () => loggedAnswer({ wire: answerText, jsonBytes: answerBytes })
    : () => ({ bytes: Buffer.from(answerText), jsonBytes: answerBytes });
  const inputs = [{ name: 'X', datatype: 'FP32', shape: [5, 4] }];
  const outputs = [
    { name: 'label', datatype: 'INT64', shape: [5] },
    { name: 'probabilities', datatype: 'FP32', shape: [5, 2] },
  ];
  const n = 200_000;
  const cpu0 = process.cpuUsage();
  const main0 = threadCpuNs(process.pid, process.pid);
  for (let i = 0; i < n; i++) {
    log.write({
      time: Date.now(),
      model: 'churn',
      version: '1',
      status: 200,
      latency_ms: 0.56,
      queue_ms: 0.073,
      inference_ms: 0.282,
      request: { body: { bytes: body, jsonBytes: body.length }, inputs },
      response: { body: answer(), outputs },
    });
    if (i % 8 === 7) await new Promise((r) => setImmediate(r)); // a few records per event-loop turn, as under load
    // A pause now and then (no CPU) lets the writing thread keep up, as it does under real load (tens of µs a request).
    if (i % 2000 === 1999) await new Promise((r) => setTimeout(r, 5));
  }
  const mainUs = (threadCpuNs(process.pid, process.pid) - main0) / 1000; // before close(): what serving pays
  await log.close();
  const cpu = process.cpuUsage(cpu0); // every thread, the log's writing thread included
  // Reading them back as monitoring does (every record decoded into plain values): the cost moved to read time.
  const read0 = process.cpuUsage();
  const written = loggedRecords(dir, from);
  const read = process.cpuUsage(read0);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    all_threads: round((cpu.user + cpu.system) / n, 2),
    main_thread: round(mainUs / n, 2),
    records_written: written,
    records: n,
    read_us_per_record: round((read.user + read.system) / Math.max(1, written), 2),
  };
}
