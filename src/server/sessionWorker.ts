// Body of an inference worker thread: one onnxruntime session, runs one batch at a time. Keeping
// session.run here is what lets the server's event loop answer health checks and metrics while a
// model works (onnxruntime-node's run blocks the calling thread for the native part).
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { keepFloat16AsUint16 } from '../core/onnx/float16';
import type { FromWorker, RunMessage, SessionWorkerData, WireTensor } from './workerMessages';

export async function runSessionWorker(): Promise<void> {
  keepFloat16AsUint16();
  const port = parentPort!;
  const post = (m: FromWorker): void => port.postMessage(m);
  const cfg = workerData as SessionWorkerData;
  let session: ort.InferenceSession;
  try {
    session = await createSession(cfg);
  } catch (e) {
    post({ type: 'loadError', message: (e as Error).message });
    return;
  }
  post({ type: 'ready', inputs: session.inputMetadata.map((m) => ({ ...m })), outputs: session.outputMetadata.map((m) => ({ ...m })) });
  port.on('message', (m: RunMessage) => {
    void run(session, m).then(post);
  });
}

/** The session options every worker (and the load probe, loadProbe.ts) uses. */
export function createSession(cfg: SessionWorkerData): Promise<ort.InferenceSession> {
  keepFloat16AsUint16();
  return ort.InferenceSession.create(cfg.path, {
    intraOpNumThreads: cfg.intraOpThreads,
    interOpNumThreads: cfg.interOpThreads,
    executionMode: cfg.interOpThreads > 1 ? 'parallel' : 'sequential',
    graphOptimizationLevel: 'all',
  });
}

async function run(session: ort.InferenceSession, m: RunMessage): Promise<FromWorker> {
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(m.feeds)) feeds[name] = new ort.Tensor(t.type, t.data as never, t.dims);
    const result = await session.run(feeds, m.fetches);
    const outputs: Record<string, WireTensor> = {};
    for (const name of m.fetches) {
      const t = result[name] as ort.Tensor;
      outputs[name] = { type: t.type as WireTensor['type'], dims: [...t.dims], data: t.data as WireTensor['data'] };
    }
    return { type: 'result', id: m.id, outputs };
  } catch (e) {
    return { type: 'runError', id: m.id, message: (e as Error).message };
  }
}
