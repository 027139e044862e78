// node scripts/e2e/demo-screenshots.mjs [--out docs/images]
// The README's screenshots, taken from the real demo: the demo workspace (script runs and the
// executed notebook), the packaged extension in code-server, Chromium. Writes workbench.png (the
// sidebar with a run's details), run-details.png, compare.png and monitor.png (the deployment's
// Monitor under the demo's traffic, Models and Deployments beside it). Takes about three minutes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { startCodeServer } from './codeserver.mjs';
import { buildDemo } from './demo-build.mjs';
import { startDemoTraffic, stopDemoDeployments } from './demo-loop.mjs';
import { packageVsix, REPO_ROOT } from './package-vsix.mjs';
import { exitOnSignals } from './proc.mjs';
import { setup } from './setup.mjs';
import { runOnSupportedNode } from '../lib/node-runtime.mjs';
import { expandRow, openContainer, pane, webviewFrame } from '../../test/e2e/support/ui.mjs';

await runOnSupportedNode(import.meta.url);

const args = process.argv.slice(2);
const out = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : join(REPO_ROOT, 'docs', 'images'));
const log = (/** @type {string} */ msg) => console.log(`[screenshots] ${msg}`);
const tmp = mkdtempSync(join(tmpdir(), 'mlwb-demo-shots-'));
const logFile = join(tmp, 'details.log');
/** @type {Awaited<ReturnType<typeof startCodeServer>> | undefined} */
let server;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
let keep = false; // a failure keeps the folder, with its log
// Named like the demo's default folder, since the folder name shows in the screenshots.
const dir = join(tmp, 'ml-workbench-demo');
/** @type {ReturnType<typeof startDemoTraffic> | undefined} */
let traffic;
const cleanup = async () => {
  await traffic?.stop();
  await browser?.close().catch(() => {});
  await server?.stop();
  await stopDemoDeployments(dir).catch((err) => log(`could not stop the demo's model server: ${err.message}`));
  if (!keep) rmSync(tmp, { recursive: true, force: true });
};
exitOnSignals(cleanup);

try {
  const paths = await setup({ log });
  log('packaging the extension');
  const vsix = await packageVsix({ out: join(tmp, 'demo.vsix'), log, logFile });
  const demo = await buildDemo(dir, { pythonPath: join(REPO_ROOT, 'python'), cacheDir: paths.cacheDir, logFile, log });
  if (demo.skipped.length || !demo.deployment) throw new Error(`the demo workspace is incomplete: ${demo.skipped.join('; ')}`);
  traffic = startDemoTraffic(demo.deployment.url, { intervalMs: 1000 });

  server = await startCodeServer({ codeServerBin: paths.codeServerBin, vsix, folder: dir, log });
  browser = await launchBrowser(paths.chromium);
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  page.setDefaultTimeout(30_000);
  await page.goto(server.url, { timeout: 60_000 });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 120_000 });
  mkdirSync(out, { recursive: true });

  await openContainer(page);
  const experiments = pane(page, 'Experiments');
  const row = (/** @type {string} */ text) => experiments.locator('.monaco-list-row', { hasText: text });
  await expandRow(row('logistic-regression').first());
  await row('small-lr').first().waitFor({ state: 'visible', timeout: 60_000 });

  // Run details of one run, beside the sidebar.
  let frame;
  for (let attempt = 0; attempt < 3 && !frame; attempt++) {
    await row('small-lr').first().click();
    frame = await webviewFrame(page, '[data-testid=run-title]', 20_000).catch(() => undefined);
  }
  if (!frame) throw new Error('the run details did not open');
  await frame.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
  await frame.locator('[data-testid=metric-chart] canvas').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500); // charts finish their first paint
  await page.screenshot({ path: join(out, 'workbench.png') });
  log(`wrote ${join(out, 'workbench.png')}`);
  await page.locator('.part.editor').screenshot({ path: join(out, 'run-details.png') });
  log(`wrote ${join(out, 'run-details.png')}`);

  // Compare: every run of the script's experiment.
  // From the experiment's context menu; a menu still laying itself out can swallow the click.
  let compare;
  for (let attempt = 0; attempt < 3 && !compare; attempt++) {
    await page.keyboard.press('Escape');
    await row('logistic-regression').first().click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'Compare Runs' });
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(200);
    await item.click();
    compare = await webviewFrame(page, '[data-testid=runs-table]', 20_000).catch(() => undefined);
  }
  if (!compare) throw new Error('Compare Runs did not open');
  await compare.locator('body[data-state=ready]').waitFor({ timeout: 30_000 });
  const rows = compare.locator('[data-testid=runs-table] .vt-row');
  await rows.first().waitFor({ timeout: 30_000 });
  // Select every run and chart both losses, as a user would to pick the best one.
  await rows.first().click();
  await rows.last().click({ modifiers: ['Shift'] });
  for (const metric of ['val_loss', 'train_loss']) await compare.locator('[data-testid=add-metric]').selectOption(metric);
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(out, 'compare.png') });
  log(`wrote ${join(out, 'compare.png')}`);

  // The second half of the loop: Models and Deployments in the sidebar, the Monitor of the deployment.
  await page.keyboard.press('Escape');
  await openContainer(page);
  const deployment = pane(page, 'Deployments').locator('.monaco-list-row', { hasText: 'clusters@v1' }).first();
  await deployment.waitFor({ state: 'visible', timeout: 60_000 });
  let monitor;
  for (let attempt = 0; attempt < 3 && !monitor; attempt++) {
    await page.keyboard.press('Escape');
    await deployment.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'Open Monitor' });
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(200);
    await item.click();
    monitor = await webviewFrame(page, '[data-testid="monitor-title"]', 20_000).catch(() => undefined);
  }
  if (!monitor) throw new Error('Open Monitor did not open');
  await monitor.locator('[data-testid="drift-table"]').waitFor({ state: 'visible', timeout: 120_000 });
  await monitor.locator('[data-testid="stat-rate"]').filter({ hasNotText: '—' }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(20_000); // a few more scrapes, so the charts draw lines rather than points
  await page.screenshot({ path: join(out, 'monitor.png') });
  log(`wrote ${join(out, 'monitor.png')}`);
} catch (err) {
  console.error(`[screenshots] failed: ${/** @type {Error} */ (err).stack ?? err}\n(details: ${logFile})`);
  process.exitCode = 1;
  keep = true;
} finally {
  await cleanup();
}
