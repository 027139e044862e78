/**
 * Running the external tools deploy targets drive (docker, podman, kubectl, custom commands):
 * always an argument array, never a shell, so nothing from a model name or mlwb.yaml is ever
 * interpreted by a shell. Output is passed on line by line (progress) and kept for error messages.
 */
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';

export interface ToolResult {
  /** Exit code; -1 when the tool could not be started (then `error` says why). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

export interface ToolOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Each line of stdout and stderr as it arrives. */
  readonly onLine?: (line: string) => void;
}

export function runTool(cmd: string, args: readonly string[], opts: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const finish = (r: ToolResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      stdout += l + '\n';
      opts.onLine?.(l);
    });
    readline.createInterface({ input: child.stderr }).on('line', (l) => {
      stderr += l + '\n';
      opts.onLine?.(l);
    });
    child.once('error', (e) => finish({ code: -1, stdout, stderr, error: e.message }));
    // 'close' (not 'exit'): every line has been read by then.
    child.once('close', (code, signal) =>
      finish({ code: code ?? (signal ? 128 : 1), stdout, stderr, ...(opts.signal?.aborted ? { error: 'cancelled' } : {}) }),
    );
    if (opts.signal?.aborted) onAbort();
  });
}

/** The last `n` non-empty lines of a tool's output, for an error message a user can act on. */
export function lastLines(text: string, n = 8): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0)
    .slice(-n)
    .join('\n');
}

/** Lines a tool prints until it exits or the signal aborts (for `logs --follow`). */
export async function* toolLines(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): AsyncIterable<string> {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  const queue: string[] = [];
  let done = false;
  let wake: (() => void) | undefined;
  const push = (l: string): void => {
    queue.push(l);
    wake?.();
  };
  readline.createInterface({ input: child.stdout }).on('line', push);
  readline.createInterface({ input: child.stderr }).on('line', push);
  const end = (): void => {
    done = true;
    wake?.();
  };
  child.once('close', end);
  child.once('error', (e) => {
    push(`${cmd}: ${e.message}`);
    end();
  });
  const onAbort = (): void => {
    child.kill('SIGTERM');
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const line = queue.shift();
      if (line !== undefined) {
        yield line;
        continue;
      }
      if (done) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}
