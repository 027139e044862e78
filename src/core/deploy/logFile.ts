/** Reading a growing log file line by line: what is there, then (following) what gets appended. */
import * as fs from 'node:fs';

const POLL_MS = 250;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Lines of `file`; with `follow`, keeps polling for appended bytes until `signal` aborts. A file
 * that does not exist yet is waited for while following (the server has not written yet).
 * A partial last line is held back until its newline arrives.
 */
export async function* readLogLines(file: string, follow: boolean, signal?: AbortSignal): AsyncGenerator<string> {
  let offset = 0;
  let pending = '';
  for (;;) {
    if (signal?.aborted) return;
    let size = -1;
    try {
      size = fs.statSync(file).size;
    } catch {
      /* not written yet */
    }
    if (size >= 0 && size < offset) {
      offset = 0; // truncated or replaced: start over
      pending = '';
    }
    if (size > offset) {
      const fd = fs.openSync(file, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        offset += n;
        pending += buf.subarray(0, n).toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) yield l;
    }
    if (!follow) {
      if (pending) yield pending;
      return;
    }
    await sleep(POLL_MS, signal);
  }
}

/** The last `n` lines of a file ('' when it is missing), for failure reasons. */
export function tailLines(file: string, n: number): string[] {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-n);
  } catch {
    return [];
  }
}
