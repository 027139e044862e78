// The run folder for screenshots and logs: MLWB_E2E_RUN_DIR (set by scripts/e2e/run.mjs), else a new
// `${MLWB_E2E_OUT:-.e2e-artifacts}/<timestamp>/`, created once per process.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../../scripts/e2e/package-vsix.mjs';

/** @type {string | undefined} */
let dir;

/** A timestamp usable as a folder name, e.g. 2026-01-31T12-00-00-000Z. */
export function stamp() {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** The run folder (created on first use; its path is printed when this process made it). */
export function runDir() {
  if (dir) return dir;
  if (process.env.MLWB_E2E_RUN_DIR) {
    dir = resolve(process.env.MLWB_E2E_RUN_DIR);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  dir = resolve(process.env.MLWB_E2E_OUT || join(REPO_ROOT, '.e2e-artifacts'), stamp());
  mkdirSync(dir, { recursive: true });
  const made = dir;
  console.log(`e2e artifacts: ${made}`);
  process.once('exit', () => console.log(`e2e artifacts: ${made}`));
  return dir;
}

/**
 * A file-name-safe slug.
 * @param {string} text
 */
export function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/**
 * Save a full-page screenshot as `<run>/<group>--<title>.png`; never throws (a dead page must not hide the real failure).
 * @param {import('playwright-core').Page | undefined} page
 * @param {string} group
 * @param {string} title
 * @param {boolean} [failed]
 * @returns {Promise<string | null>}
 */
export async function saveScreenshot(page, group, title, failed = false) {
  if (!page || page.isClosed()) return null;
  const file = join(runDir(), `${slug(group)}--${slug(title)}${failed ? '--FAILED' : ''}.png`);
  try {
    await page.screenshot({ path: file, timeout: 15_000 });
    return file;
  } catch (err) {
    console.warn(`could not save screenshot ${file}: ${/** @type {Error} */ (err).message}`);
    return null;
  }
}
