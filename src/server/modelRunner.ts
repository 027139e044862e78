// One served model version: its signature, its session pool and the dynamic batcher in front of it.
// Requests queue here; a batch leaves the queue when a worker is free and either the batch is full
// (maxBatchSize rows) or its oldest request has waited maxQueueDelayMs. Each request also carries a
// deadline: past it, the caller gets a 504 whether the request is still queued or already running.
import type { ModelConfig } from './config';
import { datatypeInfo } from './datatypes';
import { HttpError } from './httpError';
import type { InferRequest } from './inferRequest';
import { batchKey, joinFeeds, rowsOf, splitOutput } from './batching';
import { SessionPool } from './sessionPool';
import { type ModelSignature, isBatchable, toSignature } from './signature';
import type { WireTensor } from './workerMessages';

export interface InferResult {
  outputs: Record<string, WireTensor>;
  queueMs: number;
  inferenceMs: number;
}

export interface BatchObserver {
  /** Called once per session.run with the rows it carried. */
  batch(rows: number): void;
}

interface Pending {
  req: InferRequest;
  key: string;
  rows: number;
  enqueuedAt: number;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve: (r: InferResult) => void;
  reject: (e: Error) => void;
}

export class ModelRunner {
  signature!: ModelSignature;
  batchable = false;
  skippedOutputs: string[] = [];
  private readonly queue: Pending[] = [];
  private readonly pool: SessionPool;
  private delayTimer: NodeJS.Timeout | undefined;
  private uniqueKeys = 0;
  private running = 0;

  constructor(
    readonly config: ModelConfig,
    workerScript: string,
    private readonly timeoutMs: number,
    private readonly observer: BatchObserver,
  ) {
    this.pool = new SessionPool(
      workerScript,
      { path: config.path, intraOpThreads: config.threads.intraOp, interOpThreads: config.threads.interOp },
      config.threads.workers,
    );
    this.pool.onIdle = () => this.schedule();
  }

  async start(): Promise<void> {
    const meta = await this.pool.start();
    const { signature, skippedOutputs } = toSignature(meta.inputs, meta.outputs);
    this.signature = signature;
    this.skippedOutputs = skippedOutputs;
    this.batchable = this.config.batching.maxBatchSize > 1 && isBatchable(signature);
  }

  /** Requests queued or running: SIGTERM waits for this to reach 0. */
  get inFlight(): number {
    return this.queue.length + this.running;
  }

  infer(req: InferRequest): Promise<InferResult> {
    return new Promise((resolve, reject) => {
      const p: Pending = {
        req,
        key: this.batchable ? batchKey(req.inputs, () => `#${this.uniqueKeys++}`) : '',
        rows: rowsOf(req.inputs),
        enqueuedAt: performance.now(),
        settled: false,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (p.settled) return;
          const i = this.queue.indexOf(p);
          if (i >= 0) this.queue.splice(i, 1);
          this.settle(
            p,
            new HttpError(
              504,
              `inference on ${this.config.name} version ${this.config.version} did not finish within ${this.timeoutMs} ms${i >= 0 ? ' (still queued)' : ''}`,
            ),
          );
        }, this.timeoutMs),
      };
      this.queue.push(p);
      this.schedule();
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.delayTimer);
    for (const p of this.queue.splice(0)) this.settle(p, new HttpError(503, 'the server is shutting down'));
    await this.pool.close();
  }

  private settle(p: Pending, outcome: Error | InferResult): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  private schedule(): void {
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    while (this.queue.length && this.pool.idleCount() > 0) {
      const batch = this.takeBatch();
      if (!batch) return;
      void this.dispatch(batch);
    }
  }

  /** The next batch to run, or undefined when the head should wait longer for company. */
  private takeBatch(): Pending[] | undefined {
    const head = this.queue[0]!;
    if (!this.batchable) return [this.queue.shift()!];
    const { maxBatchSize, maxQueueDelayMs } = this.config.batching;
    const picked: number[] = [];
    let rows = 0;
    for (let i = 0; i < this.queue.length && rows < maxBatchSize; i++) {
      const p = this.queue[i]!;
      if (p.key !== head.key) continue;
      if (picked.length && rows + p.rows > maxBatchSize) break;
      picked.push(i);
      rows += p.rows;
    }
    const waited = performance.now() - head.enqueuedAt;
    if (rows < maxBatchSize && waited < maxQueueDelayMs) {
      this.delayTimer = setTimeout(() => this.schedule(), Math.max(0, maxQueueDelayMs - waited));
      return undefined;
    }
    const batch = picked.map((i) => this.queue[i]!);
    for (let k = picked.length - 1; k >= 0; k--) this.queue.splice(picked[k]!, 1);
    return batch;
  }

  private async dispatch(batch: Pending[]): Promise<void> {
    const started = performance.now();
    this.running += batch.length;
    const fetches = this.signature.outputs.map((o) => o.name);
    const rows = batch.map((p) => p.rows);
    this.observer.batch(rows.reduce((a, b) => a + b, 0));
    try {
      const feeds = joinFeeds(
        batch.map((p) => p.req.inputs),
        (t) => datatypeInfo(t.datatype).ort,
      );
      const out = await this.pool.run(feeds, fetches);
      const inferenceMs = performance.now() - started;
      const parts: Record<string, WireTensor>[] = batch.map(() => ({}));
      for (const name of fetches) splitOutput(name, out[name]!, rows).forEach((t, i) => (parts[i]![name] = t));
      batch.forEach((p, i) => this.settle(p, { outputs: parts[i]!, queueMs: started - p.enqueuedAt, inferenceMs }));
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, `inference failed: ${(e as Error).message}`);
      for (const p of batch) this.settle(p, err);
    } finally {
      this.running -= batch.length;
    }
  }
}
