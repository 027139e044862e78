// One served model version: its signature, its session pool and the dynamic batcher in front of it.
// Requests queue here; a batch leaves the queue when a worker is free and either the batch is full
// (maxBatchSize rows) or its oldest request has waited maxQueueDelayMs. Each request also carries a
// deadline: past it, the caller gets a 504 whether the request is still queued or already running.
//
// Two choices keep the per-request cost low (measured with bench/server.bench.mjs):
// - Scheduling runs once per event-loop turn (setImmediate), not once per request: the requests
//   whose bytes arrived in the same turn join one batch, so a worker gets one message (and one
//   wake-up) for all of them instead of one per request, with no added wait.
// - Deadlines share one timer, armed for the oldest unanswered request (all requests have the same
//   timeout, so deadlines are in arrival order), instead of a setTimeout/clearTimeout per request.
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
  /** True once a batch took it (for the 504's wording). */
  taken: boolean;
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
  private scheduled: NodeJS.Immediate | undefined;
  private uniqueKeys = 0;
  private running = 0;
  /** Unanswered requests in arrival order (= deadline order), from `oldest` on; answered ones are skipped. */
  private readonly byDeadline: Pending[] = [];
  private oldest = 0;
  private deadlineTimer: NodeJS.Timeout | undefined;

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
    this.pool.onIdle = () => this.scheduleSoon();
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
        taken: false,
        resolve,
        reject,
      };
      this.queue.push(p);
      this.byDeadline.push(p);
      this.deadlineTimer ??= setTimeout(() => this.expire(), this.timeoutMs);
      this.scheduleSoon();
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.delayTimer);
    clearTimeout(this.deadlineTimer);
    clearImmediate(this.scheduled);
    for (const p of this.queue.splice(0)) this.settle(p, new HttpError(503, 'the server is shutting down'));
    await this.pool.close();
  }

  private settle(p: Pending, outcome: Error | InferResult): void {
    if (p.settled) return;
    p.settled = true;
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
    this.dropAnswered();
  }

  /** Forgets answered requests at the front of the deadline list, so it holds only the unanswered span. */
  private dropAnswered(): void {
    const list = this.byDeadline;
    while (this.oldest < list.length && list[this.oldest]!.settled) this.oldest++;
    if (this.oldest === list.length) {
      list.length = 0;
      this.oldest = 0;
    } else if (this.oldest > 1024 && this.oldest * 2 > list.length) {
      list.splice(0, this.oldest);
      this.oldest = 0;
    }
  }

  /** The deadline timer: answers 504 to every request past its deadline, then re-arms for the oldest left. */
  private expire(): void {
    this.deadlineTimer = undefined;
    const now = performance.now();
    this.dropAnswered();
    const list = this.byDeadline;
    while (this.oldest < list.length) {
      const p = list[this.oldest]!;
      const due = p.enqueuedAt + this.timeoutMs;
      if (!p.settled && due > now) {
        this.deadlineTimer = setTimeout(() => this.expire(), Math.ceil(due - now));
        return;
      }
      this.oldest++;
      if (p.settled) continue;
      const i = p.taken ? -1 : this.queue.indexOf(p);
      if (i >= 0) this.queue.splice(i, 1);
      this.settle(
        p,
        new HttpError(
          504,
          `inference on ${this.config.name} version ${this.config.version} did not finish within ${this.timeoutMs} ms${i >= 0 ? ' (still queued)' : ''}`,
        ),
      );
    }
    this.dropAnswered();
  }

  /** Runs schedule() once at the end of this event-loop turn, however many requests arrive in it. */
  private scheduleSoon(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.schedule();
    });
  }

  private schedule(): void {
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    while (this.queue.length && this.pool.idleCount() > 0) {
      const batch = this.takeBatch();
      if (!batch) return;
      for (const p of batch) p.taken = true;
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
