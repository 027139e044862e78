// Throw-away workspace folders for the tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../../scripts/e2e/package-vsix.mjs';

/**
 * A small Python project; with `mlwb: true` it also has an empty `.mlwb/` (activates the extension on open).
 * `files` replaces the default `train.py`; `prepare(dir)` runs before code-server opens the folder
 * (e.g. to log runs with the real Python client).
 * @param {{ mlwb?: boolean, files?: Record<string, string>, prepare?: (dir: string) => void }} [opts]
 * @returns {{ dir: string, remove: () => void }}
 */
export function makeWorkspace(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-ws-'));
  const files = opts.files ?? { 'train.py': 'print("training")\n' };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  if (opts.mlwb) mkdirSync(join(dir, '.mlwb'));
  opts.prepare?.(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs a Python snippet with the repository's client against `<dir>/.mlwb`, as a terminal would.
 * @param {string} dir
 * @param {string} code
 */
export function runPython(dir, code) {
  const r = spawnSync('python3', ['-c', code], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PYTHONPATH: join(REPO_ROOT, 'python'), MLWB_DIR: join(dir, '.mlwb'), MLWB_CAPTURE_ENV: '0' },
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
