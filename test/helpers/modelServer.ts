// Starts the real model server process (dist/server.js) for integration tests, with ONNX models
// built by test/fixtures/server/make_models.py (needs Python with onnx, onnxruntime, skl2onnx).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, distFile } from './dist';

export type ModelManifest = Record<string, { path: string; datatype: string }>;

/** Builds the test models into `dir`; undefined (so the caller can skip) when Python lacks the peers. */
export function makeTestModels(dir: string): ModelManifest | undefined {
  try {
    execFileSync('python3', ['-c', 'import onnx, skl2onnx, joblib'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const out = execFileSync('python3', [path.join(REPO_ROOT, 'test', 'fixtures', 'server', 'make_models.py'), dir], { encoding: 'utf8' });
  return JSON.parse(out) as ModelManifest;
}

export interface RunningServer {
  url: string;
  /** The config file it was started with (a test can rewrite it and send SIGHUP). */
  configFile: string;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Starts dist/server.js on an ephemeral loopback port and waits for its "listening on" line. */
export async function startModelServer(config: Record<string, unknown>, dir: string, args: string[] = []): Promise<RunningServer> {
  const file = path.join(dir, `server-${process.hrtime.bigint()}.json`);
  fs.writeFileSync(file, JSON.stringify({ port: 0, ...config }));
  const proc = spawn(process.execPath, [distFile('server.js'), '--config', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s: ${err}`)), 60_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    url,
    configFile: file,
    proc,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return proc.exitCode;
    },
  };
}
