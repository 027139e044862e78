// The demo workspace exactly as `npm run demo` builds it (scripts/e2e/demo-build.mjs: tracked runs,
// two registered versions of `clusters`, clusters@production deployed locally) and under the demo's
// traffic, opened in code-server: the second half of the loop is on screen. The Models view shows
// the model with its aliases and versions, the Deployments view the healthy deployment, its
// Monitor the live numbers with the shifted feature x2 drifting most; stopping the demo's
// deployments (what Ctrl-C on the demo does) leaves no model server behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDemo } from '../../scripts/e2e/demo-build.mjs';
import { DEMO_MODEL, startDemoTraffic, stopDemoDeployments } from '../../scripts/e2e/demo-loop.mjs';
import { REPO_ROOT } from '../../scripts/e2e/package-vsix.mjs';
import { toolCacheDir } from '../../scripts/lib/node-runtime.mjs';
import { runDir, saveScreenshot } from './support/artifacts.mjs';
import { expandRow, openContainer, openWebviewFromContextMenu, pane, expandPane } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';

describe('The demo workspace shows the whole loop', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;
  /** @type {import('../../scripts/e2e/demo-build.mjs').DemoBuild | undefined} */
  let demo;
  /** @type {ReturnType<typeof startDemoTraffic> | undefined} */
  let traffic;
  /** @type {string | undefined} */
  let dir;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('demo', {
      files: {},
      prepare: async (folder) => {
        dir = folder;
        const log = (/** @type {string} */ msg) => console.log(`      [demo] ${msg}`);
        demo = await buildDemo(folder, { pythonPath: join(REPO_ROOT, 'python'), cacheDir: toolCacheDir(), logFile: join(runDir(), 'demo-build.log'), log });
        if (demo.deployment) traffic = startDemoTraffic(demo.deployment.url, { burst: 45, intervalMs: 1000 });
      },
    });
  });

  after(async function () {
    this.timeout(60_000);
    await traffic?.stop();
    if (dir) await stopDemoDeployments(dir).catch(() => {});
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'demo', t?.title ?? 'test', t?.state === 'failed');
  });

  const rows = (/** @type {string} */ view, /** @type {string} */ text) =>
    pane(/** @type {any} */ (wb).page, view).locator('.monaco-list-row', { hasText: text });

  const showPane = (/** @type {string} */ name) => expandPane(/** @type {any} */ (wb).page, name);

  it('builds every part of the demo on this machine (nothing skipped) and deploys clusters@production', function () {
    assert.deepEqual(demo?.skipped, []);
    assert.equal(demo?.deployment?.model, DEMO_MODEL);
    assert.equal(demo?.deployment?.version, 1);
    assert.equal(demo?.deployment?.status, 'healthy');
  });

  it('the Models view shows clusters with @production on v1 and @staging on v2', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await showPane('Models');
    const model = rows('Models', DEMO_MODEL).first();
    await model.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await model.innerText(), /@production→1/);
    await expandRow(model);
    await rows('Models', 'v2').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await rows('Models', 'v1').innerText(), /@production/);
    assert.match(await rows('Models', 'v2').innerText(), /@staging/);
  });

  it('the Deployments view shows the deployment of clusters v1, healthy, at its URL', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await showPane('Deployments');
    const deployment = rows('Deployments', `${DEMO_MODEL}@v1 · local`);
    await deployment.waitFor({ state: 'visible', timeout: 60_000 });
    const deadline = Date.now() + 60_000;
    while (!/, healthy/.test((await deployment.getAttribute('aria-label')) ?? '') && Date.now() < deadline) await page.waitForTimeout(500);
    assert.match((await deployment.getAttribute('aria-label')) ?? '', new RegExp(`${DEMO_MODEL} version 1 on local, healthy`));
    assert.match(await deployment.innerText(), new RegExp(`${(demo?.deployment?.url ?? '?').replace(/\./g, '\\.')} · up`));
  });

  it("Open Monitor on the deployment shows the demo's traffic, and x2 (the shifted feature) drifting most", async function () {
    this.timeout(300_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    const deployment = rows('Deployments', `${DEMO_MODEL}@v1 · local`);
    const frame = await openWebviewFromContextMenu(page, deployment, 'Open Monitor', '[data-testid="monitor-title"]');
    assert.match(await frame.locator('[data-testid="monitor-title"]').innerText(), /clusters:1/);
    // Drift needs the lineage run → data/train.csv snapshot, which the backend links when it opens the workspace.
    await frame.locator('[data-testid="drift-table"]').waitFor({ state: 'visible', timeout: 120_000 });
    // Rows: feature, kind, score, PSI, KS, JS. Unshifted traffic comes from the training distribution
    // (PSI from sampling noise alone: 0.03–0.08 for a few hundred rows), so only the shift puts x2 past 0.2.
    const driftRows = (await frame.locator('[data-testid="drift-table"] vscode-table-row').allInnerTexts()).map((r) => r.trim().split(/\s+/));
    const table = driftRows.map((r) => r.join(' ')).join(' | ');
    console.log(`      drift table: ${table}`);
    const psi = Object.fromEntries(driftRows.filter((r) => /^x\d$/.test(r[0] ?? '')).map((r) => [r[0], Number(r[3])]));
    assert.equal(driftRows.find((r) => /^x\d$/.test(r[0] ?? ''))?.[0], 'x2', `x2 drifts most: ${table}`);
    assert.ok(psi.x2 >= 0.2, `x2 PSI ${psi.x2} shows the shift: ${table}`);
    assert.ok(psi.x1 < 0.2, `x1 PSI ${psi.x1} stays low (x1 is not shifted): ${table}`);
    // The demo's mlwb.yaml sets a drift alert the shift crosses: the status bar says so.
    await page.locator('.statusbar-item', { hasText: `${demo?.deployment?.id}: alert` }).waitFor({ state: 'visible', timeout: 90_000 });
    assert.match(await frame.locator('[data-testid="reference"]').innerText(), /data\/train\.csv.*linked by lineage/);
    const count = async () => Number((await frame.locator('[data-testid="stat-requests"]').innerText()).replace(/\D+/g, ''));
    const first = await count();
    assert.ok(first >= 45, `requests card: ${first}`);
    // Live: the trickle goes on while the panel is open, the panel refreshes after each scrape, and
    // with two scrapes the rate and the latency chart have an interval to draw.
    const deadline = Date.now() + 90_000;
    while ((await count()) <= first && Date.now() < deadline) await page.waitForTimeout(1000);
    assert.ok((await count()) > first, `the requests card stayed at ${first}`);
    await frame.locator('[data-testid="stat-rate"]').filter({ hasNotText: '—' }).waitFor({ timeout: 60_000 });
    await frame.locator('[data-testid="chart-latency"] canvas').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForTimeout(500);
    await saveScreenshot(page, 'demo', 'monitor-on-the-demo-deployment', false);
  });

  it("stopping the demo's deployments (the demo's Ctrl-C) leaves no model server answering or running", async function () {
    this.timeout(120_000);
    const rec = /** @type {NonNullable<typeof demo>} */ (demo).deployment;
    assert.ok(rec && dir);
    const pid = Number(readFileSync(join(dir, '.mlwb', 'deployments', rec.id, 'server.pid'), 'utf8'));
    assert.ok(processAlive(pid), 'the model server runs before the stop');
    await traffic?.stop();
    assert.deepEqual(await stopDemoDeployments(dir), [rec.id]);
    assert.equal(processAlive(pid), false, `model server pid ${pid} is still running`);
    await assert.rejects(fetch(`${rec.url}/v2/health/live`), 'nothing answers on the URL any more');
  });
});

/**
 * Whether `pid` is a live process. A stopped server whose parent (the short-lived mlwb CLI) is gone
 * waits for init to reap it: that zombie has finished, so it counts as not running (Linux /proc).
 * @param {number} pid
 */
function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
