// One code-server + Chromium page per test file: setup, VSIX, workspace, server, browser, and teardown
// that keeps the logs in the run folder.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../../../scripts/e2e/browser.mjs';
import { startCodeServer } from '../../../scripts/e2e/codeserver.mjs';
import { setup } from '../../../scripts/e2e/setup.mjs';
import { runDir, saveScreenshot, slug } from './artifacts.mjs';
import { ensureVsix } from './vsix.mjs';
import { makeWorkspace } from './workspace.mjs';

/**
 * @typedef {object} Workbench
 * @property {import('playwright-core').Page} page
 * @property {string} url
 * @property {string} workspace
 * @property {() => Promise<void>} close
 */

/**
 * Start everything and wait until the workbench is interactive (first load can take 20–40 s on 2 cores).
 * @param {string} name  names the logs folder in the run folder
 * @param {Omit<NonNullable<Parameters<typeof makeWorkspace>[0]>, 'prepare'> & { settings?: Record<string, unknown>, prepare?: (dir: string) => void | Promise<void> }} [opts]
 *   passed to makeWorkspace; `prepare(dir)` runs (and is awaited) before code-server opens the folder;
 *   `settings` are extra user settings for this workbench
 * @returns {Promise<Workbench>}
 */
export async function openWorkbench(name, opts = {}) {
  const log = (/** @type {string} */ msg) => console.log(`      [${name}] ${msg}`);
  runDir();
  const paths = await setup({ log });
  const vsix = await ensureVsix(paths);
  // prepare may be async (the demo workspace trains, registers and deploys): awaited here, before code-server opens the folder.
  const ws = makeWorkspace({ ...opts, prepare: undefined });
  try {
    await opts.prepare?.(ws.dir);
  } catch (err) {
    ws.remove();
    throw err;
  }
  /** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
  let server;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  /** @type {import('playwright-core').Page | undefined} */
  let page;
  const close = async () => {
    await browser?.close().catch(() => {});
    if (server) keepLogs(server, name);
    await server?.stop();
    ws.remove();
  };
  try {
    server = await startCodeServer({ codeServerBin: paths.codeServerBin, vsix, folder: ws.dir, log, settings: opts.settings });
    browser = await launchBrowser(paths.chromium);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
    const t0 = Date.now();
    await page.goto(server.url, { timeout: 60_000 });
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 120_000 });
    log(`workbench loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return { page, url: server.url, workspace: ws.dir, close };
  } catch (err) {
    await saveScreenshot(page, name, 'startup', true);
    await close();
    throw err;
  }
}

/**
 * Copy code-server's and VS Code's logs (extension host, output channels) into `<run>/logs/<name>/`.
 * @param {{ logFile: string, dataDir: string }} server
 * @param {string} name
 */
function keepLogs(server, name) {
  const dest = join(runDir(), 'logs', slug(name));
  try {
    mkdirSync(dest, { recursive: true });
    if (existsSync(server.logFile)) cpSync(server.logFile, join(dest, 'code-server.log'));
    const vsLogs = join(server.dataDir, 'logs');
    if (existsSync(vsLogs)) cpSync(vsLogs, join(dest, 'vscode'), { recursive: true });
  } catch (err) {
    console.warn(`could not keep logs: ${/** @type {Error} */ (err).message}`);
  }
}
