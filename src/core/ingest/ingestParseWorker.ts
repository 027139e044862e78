/**
 * The ingest parse thread (see parseThread.ts): reads the chunk it is asked for from the ingesting
 * thread's open log and scans it into point columns, handed back transferred. It writes nothing:
 * no file, no store, no offset. Built as dist/ingestParseWorker.js; from tsc's out/ it runs as
 * compiled, next to parseThread.js.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { scanChunk } from './chunkParser';
import { PointColumns } from './pointColumns';
import { type ParseWorkerData, type ScanReply, type ScanRequest, WINDOW_BYTES } from './parseThread';

const { signal, port } = workerData as ParseWorkerData;
const posted = new Int32Array(signal);
const NEWLINE = 0x0a;
/** Reused for every chunk (nothing sent back keeps a view of it). */
const window = Buffer.allocUnsafeSlow(WINDOW_BYTES);
/** A metric line is 50+ bytes: columns start at the size this guess gives and grow if it was wrong. */
const BYTES_PER_POINT_GUESS = 64;

parentPort!.on('message', (req: ScanRequest) => {
  let reply: ScanReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const n = fs.readSync(req.fd, window, 0, Math.min(req.length, WINDOW_BYTES), req.from);
    const end = n > 0 ? window.lastIndexOf(NEWLINE, n - 1) : -1;
    if (end < 0) reply = { id: req.id, ok: true, end, scan: undefined, columns: undefined };
    else {
      const points = new PointColumns(Math.ceil(end / BYTES_PER_POINT_GUESS));
      const scan = scanChunk(window, end, 0, points);
      const columns = points.toData();
      reply = { id: req.id, ok: true, end, scan, columns };
      transfer = [columns.key.buffer, columns.step.buffer, columns.ts.buffer, columns.value.buffer, columns.line.buffer] as ArrayBuffer[];
    }
  } catch (e) {
    reply = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply, transfer);
  Atomics.add(posted, 0, 1);
  Atomics.notify(posted, 0);
});
