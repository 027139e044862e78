/**
 * Process helpers for targets that run the model server on this machine: is a pid still the
 * server we started (a pid can be reused once it dies), and stop it within a bound.
 */
import * as fs from 'node:fs';

/** Alive and, where /proc can tell, still running with our config file on its command line. */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    // EPERM: alive but someone else's, so not ours.
    return false;
  }
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(marker);
  } catch {
    // No /proc (macOS, Windows): alive is the best we can tell.
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM (the server drains in-flight requests), then SIGKILL after `graceMs`. Resolves once it is gone. */
export async function stopProcess(pid: number, marker: string, graceMs = 10_000): Promise<void> {
  if (!isOurProcess(pid, marker)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(pid, marker)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isOurProcess(pid, marker)) await sleep(20);
}
