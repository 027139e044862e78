// Child-process helpers the serving benchmarks share.

/** Resolves with the first capture group of `pattern` once the process prints it (stdout or stderr). */
export function waitFor(proc, pattern, ms) {
  return new Promise((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms: ${text.slice(-2000)}`)), ms);
    const on = (c) => {
      text += c.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', on);
    proc.stderr?.on('data', on);
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`exited ${code}: ${text.slice(-2000)}`));
    });
  });
}

/** SIGTERM (a server drains), then SIGKILL after `graceMs`; resolves once it has exited. */
export function stopProc(proc, graceMs = 15_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}
