/**
 * The backend's ONNX validation thread (dist/modelValidationWorker.js). onnxruntime-node's
 * `InferenceSession.create` and `run` block the thread that calls them, for seconds on a large
 * model; here they block this worker, so the backend keeps answering the views meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { validateOnnx } from '../core/registry/validate';

export interface ToValidationWorker {
  id: number;
  file: string;
  sample?: unknown;
}

export type FromValidationWorker =
  { id: number; ok: true; result: Awaited<ReturnType<typeof validateOnnx>> } | { id: number; ok: false; message: string; code?: string };

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: ToValidationWorker) => {
    validateOnnx(m.file, m.sample).then(
      (result) => port.postMessage({ id: m.id, ok: true, result } satisfies FromValidationWorker),
      (e: unknown) =>
        port.postMessage({
          id: m.id,
          ok: false,
          message: (e as Error).message ?? String(e),
          code: (e as { code?: string }).code,
        } satisfies FromValidationWorker),
    );
  });
}
