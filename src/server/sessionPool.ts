// The worker threads of one model, each with its own onnxruntime session. A worker that dies takes
// its batches down with a 500 and is replaced.
//
// Each worker holds up to PIPELINE_DEPTH batches: the next one is already in its message queue when
// session.run returns, so the worker starts it at once while the event loop writes the previous
// batch's answers. With a depth of 1 the two threads took turns (each idle while the other worked),
// which on a small model cost more than the inference itself. Batches still grow with load: requests
// that arrive while every slot is taken wait in the runner's queue and leave together.
import { Worker } from 'node:worker_threads';
import type { FromWorker, RunMessage, SessionWorkerData, WireTensor } from './workerMessages';
import type { OrtValueMetadata } from './signature';

export interface LoadedMetadata {
  inputs: OrtValueMetadata[];
  outputs: OrtValueMetadata[];
}

/** Batches one worker may hold at once (one running, the rest queued in its message port). */
export const PIPELINE_DEPTH = 2;

interface InFlight {
  id: number;
  resolve: (o: Record<string, WireTensor>) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Batches posted to this worker, oldest first (the worker answers in order). */
  inFlight: InFlight[];
}

export class SessionPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  /** Called whenever a worker becomes free, so the scheduler can hand it the next batch. */
  onIdle: () => void = () => undefined;

  constructor(
    private readonly script: string,
    private readonly data: SessionWorkerData,
    private readonly size: number,
  ) {}

  /** Starts every worker; resolves with the model's metadata once all have loaded it. */
  async start(): Promise<LoadedMetadata> {
    const metas = await Promise.all(Array.from({ length: this.size }, () => this.spawn()));
    return metas[0]!;
  }

  /** Batches the workers can take now without exceeding PIPELINE_DEPTH each. */
  idleCount(): number {
    let n = 0;
    for (const s of this.slots) n += PIPELINE_DEPTH - s.inFlight.length;
    return n;
  }

  /** Runs on the least loaded worker; callers check idleCount() first. */
  run(feeds: Record<string, WireTensor>, fetches: string[]): Promise<Record<string, WireTensor>> {
    let slot: Slot | undefined;
    for (const s of this.slots) if (s.inFlight.length < PIPELINE_DEPTH && (!slot || s.inFlight.length < slot.inFlight.length)) slot = s;
    if (!slot) return Promise.reject(new Error('no idle inference worker'));
    const id = this.nextId++;
    const target = slot;
    return new Promise((resolve, reject) => {
      target.inFlight.push({ resolve, reject, id });
      const msg: RunMessage = { type: 'run', id, feeds, fetches };
      target.worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private spawn(): Promise<LoadedMetadata> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(this.script, { workerData: this.data });
      const slot: Slot = { worker, inFlight: [] };
      let loaded = false;
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          loaded = true;
          this.slots.push(slot);
          resolve({ inputs: m.inputs, outputs: m.outputs });
          this.onIdle();
        } else if (m.type === 'loadError') {
          reject(new Error(`cannot load ${this.data.path}: ${m.message}`));
          void worker.terminate();
        } else if (slot.inFlight[0]?.id === m.id) {
          const b = slot.inFlight.shift()!;
          if (m.type === 'result') b.resolve(m.outputs);
          else b.reject(new Error(m.message));
          this.onIdle();
        }
      });
      const died = (why: string): void => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        for (const b of slot.inFlight.splice(0)) b.reject(new Error(`inference worker died: ${why}`));
        if (!loaded) reject(new Error(`cannot load ${this.data.path}: ${why}`));
        else if (!this.closed) {
          this.spawn().catch(() => undefined);
        }
      };
      worker.on('error', (e) => died(e.message));
      worker.on('exit', (code) => {
        if (this.slots.includes(slot) || !loaded) died(`exit code ${code}`);
      });
    });
  }
}
