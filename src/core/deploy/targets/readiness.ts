/**
 * Waiting for a model server to answer `GET <url>/v2/health/ready`, the moment the DeployTarget
 * contract says deploy() may resolve. `check` lets a target notice that what it started has died
 * (a container that exited) and fail at once with the reason instead of waiting out the timeout.
 */
import { MlwbError } from '../../errors';

export interface ReadyOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Returns a reason when the server can no longer become ready. */
  readonly check?: () => Promise<string | undefined>;
  readonly intervalMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForReady(baseUrl: string, opts: ReadyOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    if (opts.signal?.aborted) throw new MlwbError('Deploying was cancelled.', 'CANCELLED');
    try {
      const res = await fetch(`${baseUrl}/v2/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    const dead = await opts.check?.();
    if (dead) throw new MlwbError(dead, 'INVALID_ARGUMENT');
    if (Date.now() > deadline)
      throw new MlwbError(`${baseUrl}/v2/health/ready did not answer within ${Math.round(opts.timeoutMs / 1000)} s (last: ${last}).`, 'INVALID_ARGUMENT');
    await sleep(opts.intervalMs ?? 500);
  }
}
