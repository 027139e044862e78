// The VSIX under test: MLWB_E2E_VSIX (set by scripts/e2e/run.mjs), else built once per process for this machine's platform.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVsix } from '../../../scripts/e2e/package-vsix.mjs';

/** @type {Promise<string> | undefined} */
let built;

/**
 * @param {unknown} [_paths] from setup() (kept for callers; the VSIX no longer depends on a Node version)
 * @returns {Promise<string>}
 */
export function ensureVsix(_paths) {
  if (process.env.MLWB_E2E_VSIX) return Promise.resolve(process.env.MLWB_E2E_VSIX);
  if (!built) {
    const dir = mkdtempSync(join(tmpdir(), 'mlwb-vsix-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    built = packageVsix({ out: join(dir, 'ml-workbench-e2e.vsix') });
  }
  return built;
}
