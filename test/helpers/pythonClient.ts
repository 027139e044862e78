import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './dist';

/** Runs Python code with this checkout's client (python/mlwb) against `cwd`'s workspace; resolves with the exit code. */
export function runPythonClient(cwd: string, code: string): Promise<number | null> {
  const child = spawn('python3', ['-c', code], {
    cwd,
    env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), MLWB_DIR: path.join(cwd, '.mlwb'), MLWB_CAPTURE_ENV: '0' },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', resolve));
}
