import { Worker } from 'node:worker_threads';
import { MlwbError } from '../core/errors';
import { isErrorCode } from '../shared/errors';

/** What a worker answers for request `id`: its result, or the error it threw (name and code kept). */
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; name?: string; code?: string };

/**
 * One lazily started worker thread answering requests by id — the shape the backend's workers share
 * (table reading, ONNX validation): work that blocks or parses a lot stays off the backend's main
 * thread. If the thread dies, every pending request fails with `what` in the message and the next
 * request starts a new thread. Only our own error codes keep their meaning across the thread.
 */
export class WorkerThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly script: string,
    private readonly what: string,
  ) {}

  /** Posts `message(id)` and resolves with the worker's result for that id. */
  request<T>(message: (id: number) => object, onPosted?: (id: number, worker: Worker) => void): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage(message(id));
      onPosted?.(id, worker);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) return p.resolve(m.result);
      // An errno code (ENOENT…) is not one of ours: it stays a plain Error.
      const e = isErrorCode(m.code) && m.code !== 'INTERNAL' ? new MlwbError(m.message, m.code) : new Error(m.message);
      if (m.name) e.name = m.name;
      p.reject(e);
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`${this.what} stopped: ${e.message}`));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
