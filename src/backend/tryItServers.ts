// Temporary model servers for Try It on a registered version: the backend starts dist/server.js for
// the version on a free loopback port and owns the process. It stops when the panel asks
// (`tryIt/stop`), when the backend closes, and (through --exit-with-stdin) when the backend dies.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MlwbError } from '../core/errors';
import type { TryItServer } from '../protocol/tryIt';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ServedVersion {
  name: string;
  version: string;
  /** Absolute path of the stored .onnx. */
  file: string;
}

interface Running {
  info: TryItServer;
  proc: ChildProcess;
}

export class TryItServers {
  private readonly byKey = new Map<string, Promise<Running>>();

  /** `script`: the server bundle; the backend bundle sits next to it in dist/. */
  constructor(private readonly script = process.env.MLWB_SERVER_SCRIPT ?? path.join(__dirname, 'server.js')) {}

  /** A running server for the version: the one already started, else a new one. */
  async start(v: ServedVersion): Promise<TryItServer> {
    const key = `${v.file}\u0000${v.name}\u0000${v.version}`;
    let running = this.byKey.get(key);
    if (running) {
      const r = await running.catch(() => undefined);
      if (r && r.proc.exitCode === null && r.proc.signalCode === null) return r.info;
      this.byKey.delete(key);
    }
    running = this.spawn(v);
    this.byKey.set(key, running);
    running.catch(() => this.byKey.delete(key));
    return (await running).info;
  }

  async stop(serverUrl: string): Promise<void> {
    for (const [key, p] of this.byKey) {
      const r = await p.catch(() => undefined);
      if (r?.info.serverUrl !== serverUrl) continue;
      this.byKey.delete(key);
      await stopProcess(r.proc);
    }
  }

  async close(): Promise<void> {
    const all = [...this.byKey.values()];
    this.byKey.clear();
    await Promise.all(all.map((p) => p.then((r) => stopProcess(r.proc)).catch(() => undefined)));
  }

  /** Synchronous last resort for process exit: SIGTERM to every server still running. */
  killAll(): void {
    for (const p of this.byKey.values()) void p.then((r) => r.proc.kill('SIGTERM')).catch(() => undefined);
  }

  private spawn(v: ServedVersion): Promise<Running> {
    if (!fs.existsSync(this.script)) return Promise.reject(new MlwbError(`model server bundle not found at ${this.script}`, 'NOT_FOUND'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlwb-tryit-'));
    const config = path.join(dir, 'server.json');
    fs.writeFileSync(config, JSON.stringify({ host: '127.0.0.1', port: 0, models: [{ name: v.name, version: v.version, path: v.file }] }), { mode: 0o600 });
    const proc = spawn(process.execPath, [this.script, '--config', config, '--exit-with-stdin'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
    return new Promise<Running>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      const fail = (why: string): void => {
        clearTimeout(timer);
        cleanup();
        proc.kill('SIGKILL');
        reject(
          new MlwbError(`Could not start a model server for ${v.name} version ${v.version}: ${why}${text ? `\n${text.slice(-2000)}` : ''}`, 'INVALID_ARGUMENT'),
        );
      };
      const onData = (c: Buffer): void => {
        text += c.toString();
        const m = /mlwb-server listening on (http:\/\/\S+)/.exec(text);
        if (!m) return;
        clearTimeout(timer);
        cleanup();
        proc.stdout!.off('data', onData);
        proc.stderr!.off('data', onErr);
        proc.stdout!.resume(); // keep draining so the server never blocks on a full pipe
        proc.stderr!.resume();
        resolve({ info: { serverUrl: m[1]!, model: v.name, version: v.version }, proc });
      };
      proc.stdout!.on('data', onData);
      // Kept only until it listens, for the start error; after that the output is drained unread.
      const onErr = (c: Buffer): void => void (text += c.toString());
      proc.stderr!.on('data', onErr);
      proc.once('error', (e) => fail(e.message));
      proc.once('exit', (code) => fail(`it exited with code ${code}`));
    });
  }
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}
