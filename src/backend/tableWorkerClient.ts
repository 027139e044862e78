import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TableJob, type ToTableWorker, runJob } from './tableWorker';
import { WorkerThread } from './workerThread';

/**
 * Runs table jobs on one lazily started worker thread (dist/tableWorker.js), with cancellation.
 * Where the worker bundle is missing (running from sources in tests), jobs run in this thread.
 */
export class TableWorkerClient {
  private readonly thread: WorkerThread;

  constructor(private readonly script = path.join(__dirname, 'tableWorker.js')) {
    this.thread = new WorkerThread(script, 'The table reader');
  }

  run<T>(job: TableJob, signal?: AbortSignal): Promise<T> {
    if (!fs.existsSync(this.script)) return runJob(job, signal ?? new AbortController().signal) as Promise<T>;
    return this.thread.request<T>(
      (id) => ({ id, job }) satisfies ToTableWorker,
      (id, worker) => signal?.addEventListener('abort', () => worker.postMessage({ id, cancel: true } satisfies ToTableWorker), { once: true }),
    );
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
