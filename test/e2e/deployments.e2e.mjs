// Deploying as a user does it: a registered model in the Models view, one click on its inline
// Deploy action, the deployment appears healthy in the Deployments view, Try It on it answers a
// prediction from the real model server, and Stop stops that server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/e2e/package-vsix.mjs';
import { saveScreenshot } from './support/artifacts.mjs';
import { openContainer, outputPanel, pane, webviewFrame, expandPane, chooseFromContextMenu } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';
import { runPython } from './support/workspace.mjs';

// A real scikit-learn classifier converted by skl2onnx, written next to the workspace's .mlwb.
const EXPORT = `import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from skl2onnx import to_onnx
X, y = load_iris(return_X_y=True); X = X.astype(np.float32)
clf = LogisticRegression(max_iter=300).fit(X, y)
open("iris.onnx", "wb").write(to_onnx(clf, X[:1], options={id(clf): {"zipmap": False}}).SerializeToString())
weak = LogisticRegression(C=0.01, max_iter=300).fit(X, y)
open("iris-v2.onnx", "wb").write(to_onnx(weak, X[:1], options={id(weak): {"zipmap": False}}).SerializeToString())
`;

/** Registers iris.onnx with the CLI built from this checkout (the same core the backend runs). */
function register(/** @type {string} */ dir) {
  runPython(dir, EXPORT);
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  // Two versions, so Redeploy and Roll Back have somewhere to go.
  for (const file of ['iris.onnx', 'iris-v2.onnx']) {
    const r = spawnSync(process.execPath, [cli, 'models', 'register', file, '--name', 'iris'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, MLWB_DIR: '' },
    });
    if (r.status !== 0) throw new Error(`mlwb models register ${file} failed (${r.status}): ${r.stderr}`);
  }
}

/** Servers are detached (they outlive a window): a failed test must not leave one running. */
function killServers(/** @type {string} */ dir) {
  const folder = join(dir, '.mlwb', 'deployments');
  if (!existsSync(folder)) return;
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    const pid = JSON.parse(readFileSync(join(folder, f), 'utf8')).handle?.pid;
    if (typeof pid === 'number') {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already stopped */
      }
    }
  }
}

describe('Deploy from the Models view, serve, try, stop', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;
  let url = '';

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('deployments', { prepare: register });
  });

  after(async function () {
    this.timeout(60_000);
    if (wb) killServers(wb.workspace);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'deployments', t?.title ?? 'test', t?.state === 'failed');
  });

  const rows = (/** @type {string} */ view, /** @type {string} */ text) =>
    pane(/** @type {any} */ (wb).page, view).locator('.monaco-list-row', { hasText: text });

  const showPane = (/** @type {string} */ name) => expandPane(/** @type {any} */ (wb).page, name);

  /** Hover a tree row and click one of its inline actions, retrying when a re-render swallows the hover. */
  async function inlineAction(/** @type {import('playwright-core').Locator} */ row, /** @type {string} */ label) {
    for (let attempt = 0; attempt < 5; attempt++) {
      await row.hover();
      const action = row.locator(`.action-label[aria-label="${label}"]`);
      if (
        await action.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      ) {
        await action.click();
        return;
      }
    }
    throw new Error(`no inline "${label}" action on the row`);
  }

  const contextMenu = (/** @type {import('playwright-core').Locator} */ row, /** @type {string} */ item) =>
    chooseFromContextMenu(/** @type {any} */ (wb).page, row, item);

  it('one click on Deploy serves the version and the deployment turns healthy in the Deployments view', async function () {
    this.timeout(180_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await showPane('Models');
    await showPane('Deployments');
    const version = rows('Models', 'v1');
    await version.waitFor({ state: 'visible', timeout: 60_000 });
    await inlineAction(version, 'Deploy');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Serving iris:1 at' });
    await toast.waitFor({ state: 'visible', timeout: 90_000 });
    const m = /Serving iris:1 at (http:\/\/127\.0\.0\.1:\d+)/.exec(await toast.innerText());
    assert.ok(m, 'the notification names the URL');
    url = m[1];
    const deployment = rows('Deployments', 'iris@v1 · local');
    await deployment.waitFor({ state: 'visible', timeout: 30_000 });
    await deployment.locator('.custom-view-tree-node-item-icon.codicon-pass-filled').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await deployment.getAttribute('aria-label')) ?? '', /iris version 1 on local, healthy/);
    assert.match(await deployment.innerText(), new RegExp(`${url.replace(/\./g, '\\.')} · up`));
    assert.equal((await fetch(`${url}/v2/health/ready`)).status, 200);
  });

  it('Try It on the deployment sends a request and shows the prediction', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Escape');
    await inlineAction(rows('Deployments', 'iris@v1 · local'), 'Try It');
    const frame = await webviewFrame(page, '[data-testid=tryit-send]', 60_000);
    assert.match(await frame.locator('[data-testid=tryit-title]').innerText(), /iris v1/);
    await frame.locator('[data-testid=tryit-send]').click();
    const status = frame.locator('[data-testid=tryit-status]');
    await status.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await status.innerText(), 'HTTP 200');
    // An all-zero flower is class 0 for this model; the answer carries the label tensor.
    assert.match(await frame.locator('[data-testid=tryit-output-label]').innerText(), /\b0\b/);
  });

  it('Stop stops the server and the deployment shows stopped', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Escape');
    await openContainer(page);
    const deployment = rows('Deployments', 'iris@v1 · local');
    await inlineAction(deployment, 'Stop Deployment');
    // The row's accessible label carries the status (its icon and the inline Stop button share a codicon).
    const deadline = Date.now() + 30_000;
    while (!/, stopped/.test((await deployment.getAttribute('aria-label')) ?? '') && Date.now() < deadline) await page.waitForTimeout(250);
    assert.match((await deployment.getAttribute('aria-label')) ?? '', /iris version 1 on local, stopped: Stopped by the user/);
    assert.match(await deployment.innerText(), /stopped/);
    await assert.rejects(fetch(`${url}/v2/health/live`), 'nothing answers on the URL any more');
  });

  it('Show Logs streams the server log into an Output channel', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    await contextMenu(rows('Deployments', 'iris@v1 · local'), 'Show Logs');
    const deadline = Date.now() + 30_000;
    let panel = await outputPanel(page);
    while (!/mlwb-server listening on/.test(panel.text) && Date.now() < deadline) {
      await page.waitForTimeout(500);
      panel = await outputPanel(page);
    }
    assert.match(panel.channel, /iris-1-/);
    assert.match(panel.text, /mlwb-server listening on http:\/\/127\.0\.0\.1/);
  });

  it('Restart serves the stopped deployment again; a server killed outside VS Code turns stopped with the reason', async function () {
    this.timeout(120_000);
    const { page, workspace } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Escape');
    await openContainer(page);
    const deployment = rows('Deployments', 'iris@v1 · local');
    await inlineAction(deployment, 'Restart Deployment');
    await page.locator('.notifications-toasts .notification-toast', { hasText: `Serving iris:1 at ${url}` }).waitFor({ state: 'visible', timeout: 60_000 });
    const label = async () => (await deployment.getAttribute('aria-label')) ?? '';
    const until = async (/** @type {RegExp} */ re) => {
      const deadline = Date.now() + 30_000;
      while (!re.test(await label()) && Date.now() < deadline) await page.waitForTimeout(250);
      assert.match(await label(), re);
    };
    await until(/, healthy$/);
    const folder = join(workspace, '.mlwb', 'deployments');
    const record = JSON.parse(readFileSync(join(folder, readdirSync(folder).filter((f) => f.endsWith('.json'))[0]), 'utf8'));
    process.kill(record.handle.pid, 'SIGKILL');
    // The backend's health check (every 3 s) notices and pushes the change to the view.
    await until(/, stopped: The server is no longer running/);
  });

  it('Redeploy with another version serves v2 on the same URL, and Roll Back returns to v1', async function () {
    this.timeout(180_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await page.keyboard.press('Escape');
    await openContainer(page);
    await contextMenu(rows('Deployments', 'iris@v1 · local'), 'Redeploy with Another Version…');
    const pick = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'v2' }).first();
    await pick.waitFor({ state: 'visible', timeout: 15_000 });
    await pick.click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Serving iris:2 at' }).waitFor({ state: 'visible', timeout: 60_000 });
    const v2 = rows('Deployments', 'iris@v2 · local');
    await v2.waitFor({ state: 'visible', timeout: 30_000 });
    const served = async () => {
      const res = await fetch(`${url}/v2/models/iris`);
      return /** @type {{ versions: string[] }} */ (await res.json()).versions;
    };
    assert.deepEqual(await served(), ['2'], 'the same URL now serves version 2');

    await contextMenu(v2, 'Roll Back to Previous Version');
    await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Rolled back: serving iris:1 at' })
      .waitFor({ state: 'visible', timeout: 60_000 });
    await rows('Deployments', 'iris@v1 · local').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(await served(), ['1']);
  });

  it('Deploy… to a port that is in use ends failed, with the reason in the view and a notification', async function () {
    this.timeout(120_000);
    const { page } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    const blocker = createServer();
    await new Promise((r) => blocker.listen(0, '127.0.0.1', () => r(undefined)));
    const port = /** @type {import('node:net').AddressInfo} */ (blocker.address()).port;
    try {
      await openContainer(page);
      await contextMenu(rows('Models', 'v1'), 'Deploy…');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      // The target picker lists the table's targets, the last one used first.
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'local' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget', { hasText: 'port' }).waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(String(port));
      await page.keyboard.press('Enter');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'failed to deploy' });
      await toast.waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await toast.innerText(), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is in use`));
      const failed = rows('Deployments', `failed: Port ${port}`);
      await failed.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await failed.getAttribute('aria-label')) ?? '', /iris version 1 on local, failed: Port/);
      // Its logs say why and end, instead of waiting for a server that never started.
      await contextMenu(failed, 'Show Logs');
      const deadline = Date.now() + 30_000;
      let panel = await outputPanel(page);
      // (the Output panel may still show the stopped deployment's channel for a moment)
      while (!/is failed: [\s\S]*end of log stream/.test(panel.text) && Date.now() < deadline) {
        await page.waitForTimeout(500);
        panel = await outputPanel(page);
      }
      assert.match(panel.text, new RegExp(`is failed: Port ${port} on 127\\.0\\.0\\.1 is in use[\\s\\S]*end of log stream`));
    } finally {
      blocker.close();
    }
  });
});
