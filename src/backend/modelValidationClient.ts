import * as path from 'node:path';
import type { ValidationResult } from '../core/registry/validate';
import type { ToValidationWorker } from './modelValidationWorker';
import { WorkerThread } from './workerThread';

/**
 * Runs ONNX validation on one lazily started worker thread (see modelValidationWorker.ts), never
 * on the backend's main thread. The same file name works from dist/ (esbuild) and out/ (tsc).
 */
export class ModelValidationClient {
  private readonly thread: WorkerThread;

  constructor(script = path.join(__dirname, 'modelValidationWorker.js')) {
    this.thread = new WorkerThread(script, 'The model validation thread');
  }

  readonly validate = (file: string, sample: unknown): Promise<ValidationResult> =>
    this.thread.request<ValidationResult>((id) => ({ id, file, sample }) satisfies ToValidationWorker);

  close(): Promise<void> {
    return this.thread.close();
  }
}
