import { Worker } from 'node:worker_threads';

/**
 * A hashing thread started before anyone knows it is needed. A worker's isolate takes about 30 ms
 * to boot; the `mlwb` launcher starts one as its first act for `snapshot create`, so it boots
 * while the CLI loads and opens the store instead of after the walk has found the first files.
 *
 * It boots without its code and waits for it: the hasher that takes it sends the source it would
 * have given `new Worker(source, { eval: true })`, so the thread runs exactly what a new one would.
 * It is unref'd until taken, so an unused one never keeps the process alive.
 *
 * Held under a global symbol: the launcher (dist/cli.js) and the CLI are separate bundles, each
 * with its own copy of this module.
 */
const KEY = Symbol.for('mlwb.earlyHashWorker');

// Loads what the hashing code requires while it waits: loading node:crypto took 4-7 ms of the
// thread's start once the code came.
const BOOT_SOURCE = `require('node:fs'); require('node:crypto');
require('node:worker_threads').parentPort.once('message', (source) => new Function('require', source)(require));`;

/** Hashing moves from this thread's queue to the worker pool past this many files or bytes (create.ts). */
export const POOL_AFTER_FILES = 64;
export const POOL_AFTER_BYTES = 8 << 20;

type Holder = { [KEY]?: Worker };
const holder = globalThis as Holder;

export function startEarlyWorker(): void {
  if (holder[KEY]) return;
  const worker = new Worker(BOOT_SOURCE, { eval: true });
  worker.unref();
  // A thread that fails or ends before anyone takes it (it could not start) only means no head
  // start: it is forgotten, so the pool starts a thread of its own instead of waiting on this one.
  const forget = (): void => {
    if (holder[KEY] === worker) delete holder[KEY];
  };
  worker.on('error', forget);
  worker.once('exit', forget);
  holder[KEY] = worker;
}

/** The early thread, now running `source`; undefined when none was started (or it was taken). */
export function takeEarlyWorker(source: string): Worker | undefined {
  const worker = holder[KEY];
  if (!worker) return undefined;
  delete holder[KEY];
  worker.ref();
  worker.postMessage(source);
  return worker;
}

/**
 * Not needed after all (an earlier snapshot of the dataset, so most files will be reused; or too
 * little to hash): stopped now rather than left booting beside the work.
 */
export function dropEarlyWorker(): void {
  const worker = holder[KEY];
  if (!worker) return;
  delete holder[KEY];
  void worker.terminate();
}
