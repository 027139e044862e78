// The worker threads of one model, each with its own onnxruntime session. A worker that dies takes
// its batch down with a 500 and is replaced; the pool never hands out a worker that is busy.
import { Worker } from 'node:worker_threads';
import type { FromWorker, RunMessage, SessionWorkerData, WireTensor } from './workerMessages';
import type { OrtValueMetadata } from './signature';

export interface LoadedMetadata {
  inputs: OrtValueMetadata[];
  outputs: OrtValueMetadata[];
}

interface Slot {
  worker: Worker;
  busy?: { resolve: (o: Record<string, WireTensor>) => void; reject: (e: Error) => void; id: number };
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

  idleCount(): number {
    return this.slots.filter((s) => !s.busy).length;
  }

  /** Runs on an idle worker; callers check idleCount() first. */
  run(feeds: Record<string, WireTensor>, fetches: string[]): Promise<Record<string, WireTensor>> {
    const slot = this.slots.find((s) => !s.busy);
    if (!slot) return Promise.reject(new Error('no idle inference worker'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.busy = { resolve, reject, id };
      const msg: RunMessage = { type: 'run', id, feeds, fetches };
      slot.worker.postMessage(msg);
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
      const slot: Slot = { worker };
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
        } else if (slot.busy && slot.busy.id === m.id) {
          const b = slot.busy;
          slot.busy = undefined;
          if (m.type === 'result') b.resolve(m.outputs);
          else b.reject(new Error(m.message));
          this.onIdle();
        }
      });
      const died = (why: string): void => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        slot.busy?.reject(new Error(`inference worker died: ${why}`));
        slot.busy = undefined;
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
