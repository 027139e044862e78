// A directory lock so two setups (e.g. the demo and the e2e run) do not install into the cache at once.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Run `fn` while holding the lock at `dir`; waits (bounded) for another live holder, takes over a stale one.
 * @template T
 * @param {string} dir
 * @param {(msg: string) => void} log
 * @param {() => Promise<T>} fn
 * @param {number} [maxWaitMs]
 * @returns {Promise<T>}
 */
export async function withLock(dir, log, fn, maxWaitMs = 30 * 60_000) {
  const deadline = Date.now() + maxWaitMs;
  let told = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      if (!holderAlive(dir)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${dir}`);
      if (!told) log(`waiting for another setup to finish (lock ${dir})`);
      told = true;
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {string} dir */
function holderAlive(dir) {
  let pid;
  try {
    pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  } catch {
    // just created by someone else and pid not written yet, unless it has been like that for a while
    try {
      return Date.now() - statSync(dir).mtimeMs < 30_000;
    } catch {
      return false;
    }
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}
