import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { type HashFs, type HashOutcome, type HashRequest, hashFileSync } from './hashFile';

/**
 * Hashes files, in this thread (InlineHasher: tests, tiny jobs) or on a pool of worker threads
 * (WorkerHasher: one per core, so hashing is not capped by one core as a single thread would be).
 */
export interface Hasher {
  /** How many requests to keep in flight to keep every thread busy. */
  readonly parallelism: number;
  hash(req: HashRequest, onBytes: (bytes: number) => void): Promise<HashOutcome>;
  /** Stops the threads; in-flight requests are abandoned (their temp files are the caller's). */
  close(): Promise<void>;
}

export class InlineHasher implements Hasher {
  readonly parallelism = 1;
  private scratch = Buffer.alloc(0);
  /** `io` defaults to node:fs; tests wrap it to count reads or fail opens. */
  constructor(private readonly io: HashFs = fs) {}
  async hash(req: HashRequest, onBytes: (bytes: number) => void): Promise<HashOutcome> {
    if (this.scratch.length < req.bufSize) this.scratch = Buffer.allocUnsafe(req.bufSize);
    return hashFileSync(this.io, crypto, req, onBytes, this.scratch);
  }
  async close(): Promise<void> {}
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const hashFileSync = ${hashFileSync.toString()};
let scratch = Buffer.alloc(0);
parentPort.on('message', (m) => {
  let result;
  // Each progress report is held until the next one, and the last goes with the result: a file
  // smaller than the report interval then costs one message, not two.
  let held = 0;
  const report = (bytes) => {
    if (held > 0) parentPort.postMessage({ id: m.id, bytes: held });
    held = bytes;
  };
  try {
    if (scratch.length < m.req.bufSize) scratch = Buffer.allocUnsafe(m.req.bufSize);
    result = hashFileSync(fs, crypto, m.req, report, scratch);
  } catch (e) {
    result = { ok: false, kind: 'unreadable', message: String(e && e.message || e) };
  }
  parentPort.postMessage({ id: m.id, result, bytes: held });
});
`;

interface Pending {
  resolve: (o: HashOutcome) => void;
  reject: (e: Error) => void;
  onBytes: (bytes: number) => void;
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

export class WorkerHasher implements Hasher {
  readonly parallelism: number;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending & { slot: Slot }>();
  private nextId = 0;
  private closed = false;

  constructor(readonly threads = Math.max(1, os.availableParallelism())) {
    // Two requests per thread hide the round trip between one file's end and the next's start.
    this.parallelism = threads * 2;
  }

  hash(req: HashRequest, onBytes: (bytes: number) => void): Promise<HashOutcome> {
    if (this.closed) return Promise.reject(new Error('hasher closed'));
    const slot = this.pickSlot();
    const id = this.nextId++;
    slot.inFlight++;
    return new Promise<HashOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onBytes, slot });
      slot.worker.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const err = new Error('hasher closed');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private pickSlot(): Slot {
    // Workers start lazily: an unchanged re-snapshot hashes nothing and starts no thread.
    if (this.slots.length < this.threads) {
      const idle = this.slots.find((s) => s.inFlight === 0);
      if (idle) return idle;
      const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), inFlight: 0 };
      slot.worker.on('message', (m: { id: number; bytes?: number; result?: HashOutcome }) => this.onMessage(m));
      slot.worker.on('error', (e) => this.failSlot(slot, e));
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
  }

  private onMessage(m: { id: number; bytes?: number; result?: HashOutcome }): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.result === undefined) {
      p.onBytes(m.bytes ?? 0);
      return;
    }
    this.pending.delete(m.id);
    p.slot.inFlight--;
    if (m.bytes) p.onBytes(m.bytes); // the file's last report, sent with its result
    p.resolve(m.result);
  }

  private failSlot(slot: Slot, e: Error): void {
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      p.reject(e);
    }
    this.slots.splice(this.slots.indexOf(slot), 1);
  }
}
