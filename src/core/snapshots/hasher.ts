import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { type HashFs, type HashJob, type HashOutcome, type HashRequest, hashFileSync } from './hashFile';
import { abortError } from './model';

export type { HashJob } from './hashFile';

export interface HashItem {
  file: string;
  /** -1: not known (listed without stats); batches then count it at the mean size hashed so far. */
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
 * (WorkerHasher in workerHasher.ts: one per core, so hashing is not capped by one core as a single
 * thread would be).
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
    const outcome = hashFileSync(this.io, crypto, { ...req, maxSize: undefined }, onBytes, this.scratch);
    if (!outcome.ok && outcome.kind === 'too-large') throw new Error('unreachable: no size limit here');
    return outcome;
  }
  async close(): Promise<void> {}
}
