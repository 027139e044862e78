// Packaging as a user meets it: a training script logged a model (registered by the backend), the
// version's context menu in the Models view offers "Package Model…", the CLI runs as a VS Code
// task while a notification shows progress, and the build context lands in the workspace.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveScreenshot } from './support/artifacts.mjs';
import { chooseFromContextMenu, expandRow, openContainer, pane } from './support/ui.mjs';
import { openWorkbench } from './support/workbench.mjs';
import { runPython } from './support/workspace.mjs';

const TRAIN = `import mlwb, numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True); X = X.astype(np.float32)
clf = LogisticRegression(max_iter=300).fit(X, y)
with mlwb.start_run(experiment="iris", name="logreg") as run:
    run.log_model(clf, "iris", sample_input=X[:2])
`;

describe('Package Model from the Models view', function () {
  /** @type {import('./support/workbench.mjs').Workbench | undefined} */
  let wb;

  before(async function () {
    this.timeout(30 * 60_000);
    wb = await openWorkbench('packaging', { prepare: (dir) => runPython(dir, TRAIN) });
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
  });

  afterEach(async function () {
    const t = this.currentTest;
    await saveScreenshot(wb?.page, 'packaging', t?.title ?? 'test', t?.state === 'failed');
  });

  it('packages a version into a build context through the mlwb task, with a progress notification', async function () {
    this.timeout(240_000);
    const { page, workspace } = /** @type {import('./support/workbench.mjs').Workbench} */ (wb);
    await openContainer(page);
    const rows = (/** @type {string} */ text) => pane(page, 'Models').locator('.monaco-list-row', { hasText: text });
    const model = rows('iris');
    await model.first().waitFor({ state: 'visible', timeout: 120_000 });
    await expandRow(model.first());
    const version = rows('v1');
    await version.waitFor({ state: 'visible', timeout: 60_000 });
    await chooseFromContextMenu(page, version, 'Package Model…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await input.inputValue(), join('build', 'iris-1'), 'the folder defaults to build/<ref>');
    await page.keyboard.press('Enter');
    await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Packaging iris:1' })
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => undefined); // a fast package may finish before the progress toast is seen
    const done = page.locator('.notifications-toasts .notification-toast', { hasText: 'Packaged iris:1 in build/iris-1.' });
    await done.waitFor({ state: 'visible', timeout: 180_000 });
    const ctx = join(workspace, 'build', 'iris-1');
    assert.ok(existsSync(join(ctx, 'model', 'model.onnx')));
    assert.match(readFileSync(join(ctx, 'Dockerfile'), 'utf8'), /^ARG BASE_IMAGE=node:22-bookworm-slim$/m);
    assert.ok(existsSync(join(ctx, 'server', 'server.js')));
    const manifest = JSON.parse(readFileSync(join(ctx, 'mlwb-package.json'), 'utf8'));
    assert.deepEqual([manifest.model, manifest.version], ['iris', 1]);
  });
});
