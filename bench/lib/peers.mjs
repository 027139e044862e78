// The peer tools the benchmarks compare against (MLflow, DVC), each in its own virtual environment
// at a pinned version, created on first use. Without PyPI they are skipped with the reason, never
// replaced by something else.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = path.join(os.homedir(), '.cache', 'mlwb-bench');

/**
 * The interpreter of the pinned MLflow (python/requirements-mlflow.txt), from the same virtual
 * environment the MLflow interop tests use (python/tests/mlflow_support.py creates it).
 * Returns `{ python }` or `{ skipped: reason }`.
 */
export function mlflowPython() {
  const probe = spawnSync(
    'python3',
    ['-c', 'import sys; sys.path.insert(0, "python"); from tests.mlflow_support import mlflow_python; print(mlflow_python())'],
    {
      cwd: repo,
      encoding: 'utf8',
    },
  );
  if (probe.status !== 0) return { skipped: `no MLflow interpreter (PyPI unreachable?): ${lastLine(probe.stderr)}` };
  return { python: probe.stdout.trim().split('\n').pop() };
}

/**
 * A virtual environment under ~/.cache/mlwb-bench holding exactly `requirements` (a pip
 * requirements file), named by its content so a changed pin makes a new one.
 * Returns `{ python, bin }` or `{ skipped: reason }`.
 */
export function peerVenv(name, requirements) {
  const text = fs.readFileSync(requirements, 'utf8');
  const venv = path.join(cache, `${name}-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 12)}-venv`);
  const bin = path.join(venv, 'bin');
  const python = path.join(bin, 'python');
  const marker = path.join(venv, '.installed');
  if (fs.existsSync(marker)) return { python, bin };
  fs.mkdirSync(cache, { recursive: true });
  const steps = [
    ['python3', ['-m', 'venv', '--clear', venv]],
    // Short network timeouts: an unreachable PyPI should skip in seconds, not retry for minutes.
    [python, ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '--timeout', '20', '--retries', '1', '-r', requirements]],
  ];
  for (const [cmd, args] of steps) {
    process.stderr.write(`[bench] ${name}: ${path.basename(cmd)} ${args.slice(0, 3).join(' ')} …\n`);
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 900_000 });
    if (r.status !== 0) return { skipped: `could not install ${path.basename(requirements)} into ${venv} (PyPI unreachable?): ${lastLine(r.stderr)}` };
  }
  fs.writeFileSync(marker, text);
  return { python, bin };
}

function lastLine(text) {
  return (text ?? '').trim().split('\n').pop() ?? '';
}
