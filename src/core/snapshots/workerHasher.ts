import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BatchMessage, type HashJob, type ReplyMessage, hashBatchSync, hashFileSync } from './hashFile';
import { takeEarlyWorker } from './earlyWorker';
import type { HashCallbacks, HashItem, HashSession, Hasher } from './hasher';
import { abortError } from './model';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const hashFileSync = ${hashFileSync.toString()};
const hashBatchSync = ${hashBatchSync.toString()};
let scratch = Buffer.alloc(0);
parentPort.on('message', (m) => {
  if (scratch.length < m.job.bufSize) scratch = Buffer.allocUnsafe(m.job.bufSize);
  hashBatchSync(fs, crypto, hashFileSync, m, (r) => parentPort.postMessage(r), scratch);
});
`;

/** A batch is at most this many bytes: small enough to balance the threads, large enough that messages cost nothing. */
const BATCH_BYTES = 8 << 20;
/** ... and at most this many files (many tiny files). */
const BATCH_FILES = 256;
/** Batches queued per thread: the next one waits in the thread's queue, so no round trip leaves it idle. */
const BATCHES_PER_THREAD = 2;

/**
 * This thread takes no file larger than this, so a cancel or a worker's reply waits for at most
 * one such file. A file of unknown size that turns out larger is handed back, unread, to a worker.
 */
const MAIN_MAX_FILE = 16 << 20;
/** What a file of unknown size counts for in a batch until some files have been hashed. */
const UNKNOWN_SIZE_GUESS = 256 << 10;

interface Slot {
  /** null: this thread (WorkerHasherOptions.mainThread). */
  worker: Worker | null;
  inFlight: number;
}

export interface WorkerHasherOptions {
  /**
   * Hash on this thread too, one batch at a time between events. For a process whose thread has
   * nothing else to do while the workers hash (the CLI): it starts on the first files at once,
   * while the workers' isolates still boot (about 30 ms each), and with one worker fewer than
   * cores it saves booting one. Not for a process that must stay responsive (the backend).
   */
  readonly mainThread?: boolean;
}

interface Batch {
  first: number;
  count: number;
}

/** The state of one session. */
interface Run {
  job: HashJob;
  items: HashItem[];
  cb: HashCallbacks;
  /** The next item to send; items before it are sent. */
  next: number;
  /** Known bytes of the items not sent yet, and how many of them have an unknown size. */
  queuedBytes: number;
  queuedUnknown: number;
  /** Files hashed and their bytes, for the mean size an unknown-size file counts for. */
  hashedFiles: number;
  hashedBytes: number;
  /** Ranges this thread handed back (a file of unknown size over MAIN_MAX_FILE first): for workers. */
  handedBack: Batch[];
  done: number;
  ended: boolean;
  batches: Map<number, Batch>;
  resolve: () => void;
  reject: (e: unknown) => void;
  failed: boolean;
}

/**
 * The worker pool. Files go to the threads in batches (paths in, outcomes out), sized so every
 * thread has work until the end: one message pair per batch, not per file (per-file messages
 * cost a wake-up of each side per file, measured as most of the pool's overhead).
 */
export class WorkerHasher implements Hasher {
  private readonly slots: Slot[] = [];
  /** Every batch sent and not answered yet, by id, also those of a failed run (answers still come). */
  private readonly sent = new Map<number, Slot>();
  private run: Run | undefined;
  private nextId = 0;
  private closed = false;
  /** This thread as a hashing slot, its batches waiting for their turn, and its read buffer. */
  private readonly main: Slot | undefined;
  private readonly mainQueue: BatchMessage[] = [];
  private pumping = false;
  private scratch = Buffer.alloc(0);
  /** Files hashed on this thread so far (tests and benchmarks: how the work was shared). */
  filesHashedHere = 0;

  /** `threads` worker threads (default: one per core), plus this thread when options.mainThread. */
  constructor(
    readonly threads = Math.max(1, os.availableParallelism()),
    options: WorkerHasherOptions = {},
  ) {
    if (options.mainThread) this.main = { worker: null, inFlight: 0 };
  }

  start(job: HashJob, cb: HashCallbacks, signal?: AbortSignal): HashSession {
    if (this.run) throw new Error('hasher busy');
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    // Rejected before end() is awaited (a cancel during the walk): handled there, or not wanted.
    done.catch(() => undefined);
    const onAbort = (): void => this.fail(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (this.run === run) this.run = undefined;
    };
    const run: Run = {
      job,
      items: [],
      cb,
      next: 0,
      queuedBytes: 0,
      queuedUnknown: 0,
      hashedFiles: 0,
      hashedBytes: 0,
      handedBack: [],
      done: 0,
      ended: false,
      batches: new Map(),
      resolve: () => (finish(), resolve()),
      reject: (e) => (finish(), reject(e)),
      failed: false,
    };
    this.run = run;
    if (this.closed) this.fail(new Error('hasher closed'));
    else if (signal?.aborted) this.fail(abortError());
    return {
      add: (it) => {
        if (run.failed) return;
        run.items.push(it);
        if (it.size >= 0) run.queuedBytes += it.size;
        else run.queuedUnknown++;
        this.dispatch();
      },
      end: () => {
        run.ended = true;
        if (!run.failed && run.done === run.items.length) run.resolve();
        else this.dispatch();
        return done;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.fail(new Error('hasher closed'));
    await Promise.all(this.slots.map((s) => s.worker!.terminate()));
    this.slots.length = 0;
  }

  /** Sends batches until every thread has BATCHES_PER_THREAD or nothing is left. */
  private dispatch(): void {
    const run = this.run;
    if (!run || run.failed) return;
    // Files this thread handed back go first, to workers only.
    while (run.handedBack.length) {
      const slot = this.pickSlot(Infinity);
      if (!slot) return;
      const back = run.handedBack.shift()!;
      this.send(run, slot, back.first, back.count);
    }
    const mean = run.hashedFiles ? run.hashedBytes / run.hashedFiles : UNKNOWN_SIZE_GUESS;
    const sizeOf = (it: HashItem): number => (it.size >= 0 ? it.size : mean);
    for (;;) {
      if (run.next >= run.items.length) return;
      const slot = this.pickSlot(run.items[run.next]!.size);
      if (!slot) return;
      // Once every file is known, batches shrink toward the end so the last ones are spread over
      // every thread. While the walk still adds files, a thread with room gets what is queued.
      const hashing = this.threads + (this.main ? 1 : 0);
      const queued = run.queuedBytes + run.queuedUnknown * mean;
      // While the walk goes on, a thread that has work gets another batch only once a whole one is
      // queued: the walk's first files, sent one at a time, left a worker with two one-file batches
      // and then idle until this thread came back from its own batch.
      if (!run.ended && slot.inFlight > 0 && queued < BATCH_BYTES && run.items.length - run.next < BATCH_FILES) return;
      const cap = run.ended ? Math.max(1, Math.min(BATCH_BYTES, queued / (hashing * BATCHES_PER_THREAD))) : BATCH_BYTES;
      const limit = slot === this.main ? MAIN_MAX_FILE : Infinity;
      const first = run.next;
      let bytes = 0;
      do bytes += sizeOf(run.items[run.next++]!);
      while (
        run.next < run.items.length &&
        run.next - first < BATCH_FILES &&
        bytes + sizeOf(run.items[run.next]!) <= cap &&
        run.items[run.next]!.size <= limit
      );
      for (let k = first; k < run.next; k++) {
        const size = run.items[k]!.size;
        if (size >= 0) run.queuedBytes -= size;
        else run.queuedUnknown--;
      }
      this.send(run, slot, first, run.next - first);
    }
  }

  /** Sends items [first, first + count) to a thread as one batch. */
  private send(run: Run, slot: Slot, first: number, count: number): void {
    const id = this.nextId++;
    run.batches.set(id, { first, count });
    this.sent.set(id, slot);
    slot.inFlight++;
    const slice = run.items.slice(first, first + count);
    const msg: BatchMessage = { id, job: run.job, files: slice.map((it) => it.file) };
    if (run.job.objectsDir !== null) msg.tmps = slice.map((it) => it.tmp);
    if (slot.worker) slot.worker.postMessage(msg);
    else this.queueOnMain({ ...msg, maxSize: MAIN_MAX_FILE });
  }

  /** A batch for this thread: hashed on a later turn of the event loop, so the caller returns first. */
  private queueOnMain(msg: BatchMessage): void {
    this.mainQueue.push(msg);
    if (!this.pumping) {
      this.pumping = true;
      setImmediate(this.pump);
    }
  }

  /**
   * Hashes this thread's next batch, then yields: between batches the walk, the workers' replies
   * and a cancel get through. A batch of a run that failed or was closed meanwhile is dropped.
   */
  private readonly pump = (): void => {
    const msg = this.mainQueue.shift();
    if (msg) {
      const run = this.run;
      if (this.closed || !run || run.failed || !run.batches.has(msg.id)) {
        this.sent.delete(msg.id);
        this.main!.inFlight--;
      } else {
        if (this.scratch.length < msg.job.bufSize) this.scratch = Buffer.allocUnsafe(msg.job.bufSize);
        hashBatchSync(fs, crypto, hashFileSync, msg, (r) => this.onMessage(r, true), this.scratch);
      }
    }
    if (this.mainQueue.length) setImmediate(this.pump);
    else this.pumping = false;
  };

  /**
   * A thread with room for another batch; worker threads start lazily, up to `threads`. This
   * thread, when it hashes, takes one batch at a time (a second would wait in its queue behind the
   * first for nothing) and only files up to MAIN_MAX_FILE (Infinity: a worker only).
   */
  private pickSlot(nextSize: number): Slot | undefined {
    if (this.main && this.main.inFlight === 0 && nextSize <= MAIN_MAX_FILE) return this.main;
    let best: Slot | undefined;
    for (const s of this.slots) if (s.inFlight < BATCHES_PER_THREAD && (!best || s.inFlight < best.inFlight)) best = s;
    if (best && best.inFlight === 0) return best;
    if (this.slots.length < this.threads) {
      const worker = takeEarlyWorker(WORKER_SOURCE) ?? new Worker(WORKER_SOURCE, { eval: true });
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (m: ReplyMessage) => this.onMessage(m));
      worker.on('error', (e) => this.failSlot(slot, e));
      this.slots.push(slot);
      return slot;
    }
    return best;
  }

  private onMessage(m: ReplyMessage, here = false): void {
    if (here && m.outcomes) this.filesHashedHere += m.outcomes.length;
    if (m.outcomes) {
      const slot = this.sent.get(m.id);
      this.sent.delete(m.id);
      if (slot) slot.inFlight--;
    }
    const run = this.run;
    const batch = run?.batches.get(m.id);
    if (!run || !batch || run.failed) return;
    try {
      if (m.bytes) run.cb.onBytes(m.bytes);
      if (!m.outcomes) return;
      run.batches.delete(m.id);
      for (let i = 0; i < m.outcomes.length; i++) {
        const o = m.outcomes[i]!;
        if (o.ok) {
          run.hashedFiles++;
          run.hashedBytes += o.size;
        }
        run.cb.onOutcome(batch.first + i, o);
      }
    } catch (e) {
      this.fail(e);
      return;
    }
    run.done += m.outcomes.length;
    // Fewer outcomes than files: this thread stopped at a file over MAIN_MAX_FILE; the rest goes to a worker.
    if (m.outcomes.length < batch.count) run.handedBack.push({ first: batch.first + m.outcomes.length, count: batch.count - m.outcomes.length });
    if (run.ended && run.done === run.items.length) run.resolve();
    else this.dispatch();
  }

  private fail(e: unknown): void {
    const run = this.run;
    if (!run || run.failed) return;
    run.failed = true;
    run.reject(e);
  }

  private failSlot(slot: Slot, e: Error): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    for (const [id, s] of this.sent) if (s === slot) this.sent.delete(id);
    this.fail(e);
  }
}
