import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlwbError } from '../core/errors';
import { isErrorCode } from '../shared/errors';
import { type FromTableWorker, type TableJob, type ToTableWorker, runJob } from './tableWorker';

/**
 * Runs table jobs on one lazily started worker thread (dist/tableWorker.js), with cancellation.
 * Where the worker bundle is missing (running from sources in tests), jobs run in this thread.
 */
export class TableWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly script = path.join(__dirname, 'tableWorker.js')) {}

  run<T>(job: TableJob, signal?: AbortSignal): Promise<T> {
    if (!fs.existsSync(this.script)) return runJob(job, signal ?? new AbortController().signal) as Promise<T>;
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, job } satisfies ToTableWorker);
      signal?.addEventListener('abort', () => worker.postMessage({ id, cancel: true } satisfies ToTableWorker), { once: true });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (m: FromTableWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else {
        // Only our own codes keep their meaning; an errno code (ENOENT…) is not one of them.
        const e = isErrorCode(m.code) && m.code !== 'INTERNAL' ? new MlwbError(m.message, m.code) : new Error(m.message);
        e.name = m.name;
        p.reject(e);
      }
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`The table reader stopped: ${e.message}`));
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
