/**
 * Process helpers for targets that run the model server on this machine: is a pid still the
 * server we started (a pid can be reused once it dies), and stop it within a bound.
 */
import * as fs from 'node:fs';

/**
 * Running: signal 0 reaches it and it is not a zombie or dying (`/proc/<pid>/stat` state Z or X:
 * exited, waiting for its parent to reap it). Without /proc (macOS, Windows), signal 0 decides.
 */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false; // ESRCH: gone; EPERM: someone else's, so not one of ours either
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X' && state !== 'x';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' || !fs.existsSync('/proc/self/stat');
  }
}

/** Running and, where /proc can tell, still with our config file on its command line. */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !running(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    // No /proc: alive is the best we can tell.
    return !fs.existsSync('/proc/self/cmdline');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM (the server drains in-flight requests), then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopProcess(pid: number, marker: string, graceMs = 10_000): Promise<void> {
  if (!isOurProcess(pid, marker)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  // From here on: wait for the pid itself to end (its command line empties while it exits).
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!running(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (running(pid)) await sleep(20);
}
