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
import { PointColumns, type PointColumnsData } from './pointColumns';

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
 * Whether ingest tries the parse thread when the caller does not say (a log of more than one
 * chunk): whenever there is a second core. Whether it pays is then measured during the call
 * (`threadKeepsUp`) and remembered for a while (`threadVerdict`), not guessed from the load
 * average: on this shared 2-core machine a load-average rule (load < cores - 1) almost never let
 * the thread run, although it was the faster way in several runs at load 2-4, and the load
 * average lags what the machine does next anyway.
 */
export function threadMayHelp(cores = os.availableParallelism()): boolean {
  return cores >= 2;
}

/**
 * When a call last dropped the thread for not keeping up (performance.now()). Trying it costs that
 * call its waits (often longest for the thread's first answer: 6-100 ms in traces at load 3), so
 * the calls of the next RETRY_MS scan here without trying; then it is tried again.
 */
export const threadVerdict = { droppedAt: -Infinity };
const RETRY_MS = 30_000;

/** Whether a call that is not told (parseAhead undefined) should try the thread now. */
export function threadWorthTrying(now = performance.now(), cores = os.availableParallelism()): boolean {
  return threadMayHelp(cores) && now - threadVerdict.droppedAt >= RETRY_MS;
}

/**
 * Whether the thread keeps up: the ingesting thread waited for its scans (of `bytes`, so far in
 * this call) no longer than scanning them itself would have taken, at the rate of its own recent
 * scans. When it waited longer, the two threads are fighting for time slices (a busy machine), and
 * the rest of the call scans here. With a core free the thread keeps ahead: inserting a chunk's
 * rows takes about three times as long as scanning it.
 */
export function threadKeepsUp(waitedMs: number, bytes: number, inlineMsPerByte: number): boolean {
  return waitedMs <= bytes * inlineMsPerByte;
}

/**
 * What scanning here costs, per byte, from the ingesting thread's recent inline scans (the first
 * chunk of a long log is always scanned here): a moving average, so one slow scan (a cold JIT, a
 * busy moment) does not decide alone. Starts at a rate measured on a 2-core VM (about 2.7 ns a
 * byte) until the first scan replaces it.
 */
export const inlineScanRate = {
  msPerByte: 2.7e-6,
  /** Folds in one scan of `bytes` that took `ms`; scans too small to time well are ignored. */
  record(ms: number, bytes: number): void {
    if (bytes < 64 * 1024 || !(ms >= 0)) return;
    this.msPerByte = 0.5 * this.msPerByte + 0.5 * (ms / bytes);
  },
};

/**
 * Whether one ingest call uses the parse thread: forced on or off by the caller, or by default tried
 * (threadWorthTrying) and judged on every answer it takes, dropped for the rest of the call once it
 * does not keep up (threadKeepsUp on the call's summed waits: one late wake-up of the thread, a few ms
 * on a busy machine, is paid back by the next chunks it scans while the caller inserts).
 */
export class ThreadUse {
  /** This call's time spent waiting for the thread, and the bytes it scanned for this call. */
  private waitedMs = 0;
  private bytes = 0;

  private constructor(
    private readonly adaptive: boolean,
    /** Whether the call hands chunks to the thread now. */
    public on: boolean,
  ) {}

  static forCall(parseAhead: boolean | undefined): ThreadUse {
    return new ThreadUse(parseAhead === undefined, parseAhead ?? threadWorthTrying());
  }

  /** Takes answer `id` (a request for `bytes`) from `thread`, judging the wait when the call is adaptive. */
  take(thread: ParseThread, id: number, bytes: number, firstLine: number): ThreadChunk | undefined {
    // A thread's first answer waits for its start-up (loading its script, tens of ms), paid once a
    // process: it says nothing of whether the machine has a core for it, so it is not judged.
    const judged = this.adaptive && thread.answered;
    const asked = performance.now();
    const got = thread.take(id, firstLine);
    if (!judged) return got;
    this.waitedMs += performance.now() - asked;
    this.bytes += got ? got.end + 1 : bytes;
    if (this.on && !threadKeepsUp(this.waitedMs, this.bytes, inlineScanRate.msPerByte)) {
      this.on = false;
      threadVerdict.droppedAt = performance.now();
      parseThreadStats.gaveUp++;
    }
    return got;
  }
}

/**
 * Counters for tests and benchmarks: chunks scanned on the thread, chunks it failed to deliver, and
 * calls that stopped using it because it did not keep up (threadKeepsUp).
 */
export const parseThreadStats = { scanned: 0, fallbacks: 0, gaveUp: 0 };

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
  /** Whether it has sent any answer yet, i.e. finished starting. */
  answered = false;

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

  /** Stops the thread; the next parseThread() starts a new one. */
  async close(): Promise<void> {
    await this.worker.terminate();
    if (thread === this) thread = undefined;
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
        this.answered = true;
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
