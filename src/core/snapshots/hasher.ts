import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { type HashFs, type HashOutcome, type HashRequest, hashFileSync } from './hashFile';
import { abortError } from './model';

/** What every file of one snapshot shares: where objects go (null: metadata-only) and buffer sizes. */
export type HashJob = Omit<HashRequest, 'file' | 'tmp'>;

/** One file to hash: its path, its size from the walk (to size batches) and its temp name ('' when not storing). */
export interface HashItem {
  file: string;
  size: number;
  tmp: string;
}

export interface HashCallbacks {
  /** The outcome of items[index]. An error thrown here stops the job: no further file is started. */
  onOutcome(index: number, outcome: HashOutcome): void;
  /** Bytes read since the last call (large files report while they are read). */
  onBytes(bytes: number): void;
}

/** One snapshot's hashing: files are added as the walk finds them, then `end()` waits for the rest. */
export interface HashSession {
  /** Queues a file; its outcome goes to onOutcome with the number of files added before it. */
  add(item: HashItem): void;
  /**
   * No more files: resolves when every outcome was delivered. Rejects with an AbortError on the
   * signal, with the first error thrown by onOutcome, or when the hasher is closed; the temp files
   * of items without an outcome are then the caller's to remove.
   */
  end(): Promise<void>;
}

/**
 * Hashes files, in this thread (InlineHasher: tests, tiny jobs) or on a pool of worker threads
 * (WorkerHasher: one per core, so hashing is not capped by one core as a single thread would be).
 */
export interface Hasher {
  /** One job at a time per hasher. */
  start(job: HashJob, cb: HashCallbacks, signal?: AbortSignal): HashSession;
  /** Stops the threads; in-flight work is abandoned. */
  close(): Promise<void>;
}

/** Hashes a known list of files (tests, and callers that have the whole list). */
export function hashAll(hasher: Hasher, job: HashJob, items: readonly HashItem[], cb: HashCallbacks, signal?: AbortSignal): Promise<void> {
  const session = hasher.start(job, cb, signal);
  for (const it of items) session.add(it);
  return session.end();
}

export class InlineHasher implements Hasher {
  private scratch = Buffer.alloc(0);
  /** `io` defaults to node:fs; tests wrap it to count reads or fail opens. */
  constructor(private readonly io: HashFs = fs) {}
  start(job: HashJob, cb: HashCallbacks, signal?: AbortSignal): HashSession {
    const items: HashItem[] = [];
    // Files are hashed at end(), one by one, in this thread.
    return { add: (it) => void items.push(it), end: () => this.hashAll(job, items, cb, signal) };
  }
  private async hashAll(job: HashJob, items: readonly HashItem[], cb: HashCallbacks, signal?: AbortSignal): Promise<void> {
    if (this.scratch.length < job.bufSize) this.scratch = Buffer.allocUnsafe(job.bufSize);
    for (let i = 0; i < items.length; i++) {
      if (signal?.aborted) throw abortError();
      const it = items[i]!;
      cb.onOutcome(i, this.hashOne({ ...job, file: it.file, tmp: it.tmp }, cb.onBytes));
      // Lets a cancel (or progress) through between files, as the worker pool does.
      await new Promise<void>((r) => setImmediate(r));
    }
    if (signal?.aborted) throw abortError();
  }
  /** One file; a seam for tests that act between files. */
  protected hashOne(req: HashRequest, onBytes: (bytes: number) => void): HashOutcome {
    return hashFileSync(this.io, crypto, req, onBytes, this.scratch);
  }
  async close(): Promise<void> {}
}

/** Main thread → hashing thread: a batch of files sharing one job. */
interface BatchMessage {
  id: number;
  job: HashJob;
  files: string[];
  /** Temp names, parallel to files; omitted when nothing is stored. */
  tmps?: string[];
}

/** Hashing thread → main thread: progress of a large file, or the batch's outcomes (in order). */
interface ReplyMessage {
  id: number;
  bytes: number;
  outcomes?: HashOutcome[];
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const hashFileSync = ${hashFileSync.toString()};
let scratch = Buffer.alloc(0);
parentPort.on('message', (m) => {
  if (scratch.length < m.job.bufSize) scratch = Buffer.allocUnsafe(m.job.bufSize);
  // Bytes read are reported only every job.reportEvery bytes (a large file's progress); the rest
  // goes with the batch's outcomes, so a batch of small files costs one message back.
  let held = 0;
  const report = (bytes) => {
    held += bytes;
    if (m.job.reportEvery > 0 && held >= m.job.reportEvery) {
      parentPort.postMessage({ id: m.id, bytes: held });
      held = 0;
    }
  };
  const outcomes = new Array(m.files.length);
  for (let i = 0; i < m.files.length; i++) {
    const req = { file: m.files[i], tmp: m.tmps ? m.tmps[i] : '', objectsDir: m.job.objectsDir, tmpDir: m.job.tmpDir, bufSize: m.job.bufSize, reportEvery: m.job.reportEvery };
    try {
      outcomes[i] = hashFileSync(fs, crypto, req, report, scratch);
    } catch (e) {
      outcomes[i] = { ok: false, kind: 'unreadable', message: String((e && e.message) || e) };
    }
  }
  parentPort.postMessage({ id: m.id, bytes: held, outcomes });
});
`;

/** A batch is at most this many bytes: small enough to balance the threads, large enough that messages cost nothing. */
const BATCH_BYTES = 8 << 20;
/** ... and at most this many files (many tiny files). */
const BATCH_FILES = 256;
/** Batches queued per thread: the next one waits in the thread's queue, so no round trip leaves it idle. */
const BATCHES_PER_THREAD = 2;

interface Slot {
  worker: Worker;
  inFlight: number;
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
  /** Bytes of the items not sent yet. */
  queuedBytes: number;
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

  constructor(readonly threads = Math.max(1, os.availableParallelism())) {}

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
        run.queuedBytes += it.size;
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
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  /** Sends batches until every thread has BATCHES_PER_THREAD or nothing is left. */
  private dispatch(): void {
    const run = this.run;
    if (!run || run.failed) return;
    for (;;) {
      if (run.next >= run.items.length) return;
      const slot = this.pickSlot();
      if (!slot) return;
      // Once every file is known, batches shrink toward the end so the last ones are spread over
      // every thread. While the walk still adds files, a thread with room gets what is queued.
      const cap = run.ended ? Math.max(1, Math.min(BATCH_BYTES, run.queuedBytes / (this.threads * BATCHES_PER_THREAD))) : BATCH_BYTES;
      const first = run.next;
      let bytes = 0;
      do bytes += run.items[run.next++]!.size;
      while (run.next < run.items.length && run.next - first < BATCH_FILES && bytes + run.items[run.next]!.size <= cap);
      run.queuedBytes -= bytes;
      const id = this.nextId++;
      const count = run.next - first;
      run.batches.set(id, { first, count });
      this.sent.set(id, slot);
      slot.inFlight++;
      const slice = run.items.slice(first, first + count);
      const msg: BatchMessage = { id, job: run.job, files: slice.map((it) => it.file) };
      if (run.job.objectsDir !== null) msg.tmps = slice.map((it) => it.tmp);
      slot.worker.postMessage(msg);
    }
  }

  /** A thread with room for another batch; threads start lazily, up to `threads`. */
  private pickSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.inFlight < BATCHES_PER_THREAD && (!best || s.inFlight < best.inFlight)) best = s;
    if (best && best.inFlight === 0) return best;
    if (this.slots.length < this.threads) {
      const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), inFlight: 0 };
      slot.worker.on('message', (m: ReplyMessage) => this.onMessage(m));
      slot.worker.on('error', (e) => this.failSlot(slot, e));
      this.slots.push(slot);
      return slot;
    }
    return best;
  }

  private onMessage(m: ReplyMessage): void {
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
      for (let i = 0; i < m.outcomes.length; i++) run.cb.onOutcome(batch.first + i, m.outcomes[i]!);
    } catch (e) {
      this.fail(e);
      return;
    }
    run.done += batch.count;
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
