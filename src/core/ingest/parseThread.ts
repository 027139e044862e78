/**
 * Scans a log's next chunk on a second thread while this one writes the current chunk to SQLite.
 *
 * Cold ingest of a long log is two kinds of work in turn: reading and scanning text into point
 * columns (about a quarter of the CPU time) and inserting rows. On a machine with a core to spare,
 * the read and scan of chunk k+1 (ingestParseWorker.ts) run during the inserts of chunk k, so the
 * ingesting thread only inserts. The worker never touches the store or the offsets: it reads the
 * ingesting thread's open log (the same file descriptor: threads share them) and hands back plain
 * columns (transferred, not copied) and the text of the lines that need JSON.parse. Everything that
 * decides what is stored and committed stays in runIngestor.ts, so crash safety and exactly-once do
 * not depend on this thread.
 *
 * Ingest is synchronous (one call owns the store until it returns), so the answer is awaited with
 * Atomics.wait on a shared counter and taken with receiveMessageOnPort, without the event loop. If
 * the thread cannot start, answers late or fails, the chunk is read and scanned here instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ScannedChunk } from './chunkParser';
import { PointColumns, type PointColumnsData } from './metricLine';

/** What the worker is started with. */
export interface ParseWorkerData {
  /** Int32[0] counts answers posted; the ingesting thread waits on it. */
  signal: SharedArrayBuffer;
  /** Where answers go: a port the ingesting thread reads synchronously, never through events. */
  port: MessagePort;
}

/** Read `length` bytes of the open log `fd` at `from`, and scan its complete lines. */
export interface ScanRequest {
  id: number;
  fd: number;
  from: number;
  length: number;
}

/** `end` is the offset of the window's last newline, from `from`; -1 when it holds none (nothing scanned). */
export type ScanReply =
  { id: number; ok: true; end: number; scan: ScannedChunk | undefined; columns: PointColumnsData | undefined } | { id: number; ok: false; message: string };

/** The largest window the worker reads: the ingestor's default chunk. */
export const WINDOW_BYTES = 4 * 1024 * 1024;
/**
 * How long an answer may take before this thread does the chunk itself (a 4 MiB scan takes about
 * 10 ms; the first one also waits for the thread to start). Generous, for a loaded machine: a late
 * answer costs only time, and is dropped when it comes.
 */
const ANSWER_TIMEOUT_MS = 10_000;

const SCRIPT = path.join(__dirname, 'ingestParseWorker.js');

let thread: ParseThread | undefined;
let unavailable = false;

/**
 * Whether the machine looks idle enough for the parse thread: a 1-minute load average that leaves
 * a core beyond ours (on Windows, where Node reports no load average, always). Conservative on
 * purpose: on 2 shared cores the thread made cold ingest 1.3x faster in a run at load 2.2-2.5, but
 * 1.2-4x slower in runs where the load rose from 1.6 to 3.6 and beyond (the two threads wait for
 * each other's time slices), and the load average lags what the machine does next.
 */
export function spareCore(load = os.loadavg()[0]!, cores = os.availableParallelism()): boolean {
  return load < cores - 1;
}

/** Counters for tests and benchmarks: chunks scanned on the thread, and chunks it failed to deliver. */
export const parseThreadStats = { scanned: 0, fallbacks: 0 };

/**
 * The process's parse thread, started on first use (one per process, kept for later calls, never
 * keeping the process alive). Undefined where the worker script is not next to this module.
 */
export function parseThread(): ParseThread | undefined {
  if (thread || unavailable) return thread;
  if (!fs.existsSync(SCRIPT)) {
    unavailable = true;
    return undefined;
  }
  thread = new ParseThread(SCRIPT);
  return thread;
}

/** A chunk's scan done by the thread: where its last line ends, and its columns numbered from the chunk's first line. */
export interface ThreadChunk {
  end: number;
  scan: ScannedChunk;
  points: PointColumns;
}

export class ParseThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal: Int32Array;
  private nextId = 1;

  constructor(script: string) {
    const signal = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    this.signal = new Int32Array(signal);
    this.port = port1;
    this.port.unref();
    const data: ParseWorkerData = { signal, port: port2 };
    this.worker = new Worker(script, { workerData: data, transferList: [port2] });
    this.worker.unref();
    // A thread that dies is replaced on the next use; its pending answer times out and is done here.
    const drop = () => {
      if (thread === this) thread = undefined;
    };
    this.worker.on('error', drop);
    this.worker.on('exit', drop);
  }

  /** Asks for bytes [from, from + length) of the open log `fd` to be read and scanned; returns the id to take the answer by. */
  post(fd: number, from: number, length: number): number {
    const id = this.nextId++;
    this.worker.postMessage({ id, fd, from, length } satisfies ScanRequest);
    return id;
  }

  /**
   * Blocks until answer `id` arrives. Undefined if it failed, took too long, or the window held no
   * complete line. Answers to abandoned requests are dropped.
   */
  take(id: number, firstLine: number, timeoutMs = ANSWER_TIMEOUT_MS): ThreadChunk | undefined {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // Read the counter before looking: an answer posted after the look moves it, so the wait returns.
      const seen = Atomics.load(this.signal, 0);
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const reply = m.message as ScanReply;
        if (reply.id !== id) continue;
        if (!reply.ok || !reply.scan || !reply.columns) return undefined;
        parseThreadStats.scanned++;
        return { end: reply.end, scan: reply.scan, points: PointColumns.fromData(reply.columns, firstLine) };
      }
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      Atomics.wait(this.signal, 0, seen, left);
    }
  }
}
