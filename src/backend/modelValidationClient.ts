import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MlwbError, type MlwbErrorCode } from '../core/errors';
import type { ValidationResult } from '../core/registry/validate';
import type { FromValidationWorker, ToValidationWorker } from './modelValidationWorker';

/**
 * Runs ONNX validation on one lazily started worker thread (see modelValidationWorker.ts), never
 * on the backend's main thread. The same file name works from dist/ (esbuild) and out/ (tsc).
 */
export class ModelValidationClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: ValidationResult) => void; reject: (e: Error) => void }>();

  constructor(private readonly script = path.join(__dirname, 'modelValidationWorker.js')) {}

  readonly validate = (file: string, sample: unknown): Promise<ValidationResult> => {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<ValidationResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, file, sample } satisfies ToValidationWorker);
    });
  };

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (m: FromValidationWorker) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(m.code ? new MlwbError(m.message, m.code as MlwbErrorCode) : new Error(m.message));
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`The model validation thread stopped: ${e.message}`));
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
