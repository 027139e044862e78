// A real Prometheus (Debian's `prometheus` package) for tests: installed with apt-get when missing
// and running as root (like scripts/e2e/system-deps.mjs does for Chromium), else the caller skips with
// the reason this returns. Started on a free loopback port with its own data folder, stopped by the test.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const BINARY = process.env['MLWB_PROMETHEUS'] || '/usr/bin/prometheus';

/** Undefined when Prometheus is there (installing it if it can); otherwise why it is not. */
export function ensurePrometheus(): string | undefined {
  if (fs.existsSync(BINARY)) return undefined;
  if (process.getuid?.() !== 0) return `no ${BINARY}; install it with: sudo apt-get install -y --no-install-recommends prometheus`;
  // The user's environment minus the outer npm's variables (scripts/lib/install-env.mjs explains why).
  const env: NodeJS.ProcessEnv = { DEBIAN_FRONTEND: 'noninteractive' };
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  env['DEBIAN_FRONTEND'] = 'noninteractive';
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'prometheus']]) {
    const r = spawnSync('apt-get', args, { env, stdio: 'ignore', timeout: 10 * 60_000 });
    if (r.status !== 0) return `apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal})`;
  }
  return fs.existsSync(BINARY) ? undefined : `apt-get installed prometheus but ${BINARY} is missing`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  proc: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

export async function startPrometheus(configFile: string, dir: string): Promise<RunningPrometheus> {
  const port = await freePort();
  const data = path.join(dir, 'prometheus-data');
  const proc = spawn(BINARY, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${data}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`prometheus not ready in 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    proc,
    log: () => log,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** Runs an instant query until `accept` takes the result or `timeoutMs` passes; returns the last result. */
export async function queryUntil<T>(prom: RunningPrometheus, query: string, accept: (result: T[]) => boolean, timeoutMs = 30_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  let last: T[] = [];
  for (;;) {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { status: string; data?: { result: T[] }; error?: string };
    if (body.status !== 'success') throw new Error(`query ${query} failed: ${body.error}`);
    last = body.data!.result;
    if (accept(last) || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
}
